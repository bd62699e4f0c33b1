"""The web fixtures (an app on a fresh database, signing in) and the manager department."""

from tests.web.conftest import (  # noqa: F401  (fixtures, found by name)
    app_settings,
    cheap_password_hashing,
    client,
    csrf,
    login,
    make_client,
)
from tests.web.manager.conftest import (  # noqa: F401
    as_admin,
    department,
    solved_week,
    stored_roster,
)
