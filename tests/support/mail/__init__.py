"""Test helpers for e-mail: the SMTP sink, TLS certificates, sample reports, reading mails."""
