"""Configuration from the environment or ``.env``, validated once, shared by ``get_settings``."""

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"


def project_root() -> Path:
    """The source checkout when running from one, else the working directory (installed package)."""
    checkout = Path(__file__).resolve().parents[1]
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


def default_database_url() -> str:
    return f"sqlite:///{project_root() / 'var' / 'teleroster.sqlite'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = default_database_url()
    secret_key: str = PLACEHOLDER_SECRET
    host: str = "127.0.0.1"
    port: int = 8000
    # Solve jobs: where they run (scheduler.jobs.executor).
    executor: Literal["local", "ray"] = "local"
    ray_address: str | None = None  # RAY_ADDRESS; unset = a local Ray runtime
    # Worker processes started with the server; 0 leaves the jobs to `teleroster worker`.
    local_workers: int = Field(default=1, ge=0)
    # A "running" job is presumed dead this long after its time limit (other hosts, reused pids).
    job_grace_seconds: float = Field(default=900.0, gt=0)
    # Web imports (POST /api/imports/...): larger uploads get 413; a compressed upload (.csv.gz,
    # .xlsx) may unpack to at most max_upload_unpacked_bytes (a zip bomb is refused, not read).
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_upload_unpacked_bytes: int = Field(default=200 * 1024 * 1024, gt=0)

    @model_validator(mode="after")
    def _real_secret_outside_development(self) -> Self:
        if self.environment != "development" and self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError(
                f"SECRET_KEY is the placeholder {PLACEHOLDER_SECRET!r}: set a real secret "
                f"when ENVIRONMENT={self.environment}"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests set the environment, then ``get_settings.cache_clear()``."""
    return Settings()
