"""The service's core: settings, static files, the site copy."""
