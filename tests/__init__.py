"""The test suite, one package per domain of the code; shared helpers in tests.support."""

import pytest

# The helpers assert too: rewrite their asserts as pytest does the tests' own (before any import).
pytest.register_assert_rewrite("tests.support")
