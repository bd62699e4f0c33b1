"""One counter per test process for unique user emails and reader codes.

It lives here, not in tests/web/conftest.py: pytest loads that conftest as a module of its own
while test modules also import it as ``tests.web.conftest``, so a counter there exists twice and
two users of one test could get the same number."""

import itertools

numbers = itertools.count(1)
