"""Service functions shared by the web app, the CLI and jobs: keyword-only, taking the session."""
