"""Durability of the lettre's send queue: kill -9 the service in the middle of sending 10,000
e-mails, restart it; every subscriber gets exactly one copy.

By design (delivery.py, outbox.py) no message can go twice; one could only be missing if the
kill fell in the microseconds between recording it « handed over » and writing its final ".",
and then it is the one row settled as « accusé de réception perdu ». benchmarks/letter_send.py
measures that window and runs this scenario repeatedly.
"""

import signal

from tests.support.letter_crash import crash_and_restart


def test_kill_9_in_the_middle_of_10000_e_mails_loses_none_and_repeats_none(tmp_path):
    result = crash_and_restart(tmp_path, subscribers=10_000, kill_after=3_000)
    assert result.returncode == -signal.SIGKILL
    assert 3_000 <= result.at_kill < 9_000  # killed well inside the send
    assert result.duplicated == {}
    # Missing only if killed in the microseconds after « handed over » (then that one row).
    assert set(result.missing) <= set(result.unconfirmed) and len(result.unconfirmed) <= 1
