"""Prometheus from Debian's ``prometheus``, scraping the local services.

The local configuration is written from ``deploy/prometheus/prometheus.yml`` (the compose
one) with compose host names replaced by loopback addresses and ports.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import yaml

from rasad.common.errors import ConfigError
from rasad.stack.settings import StackSettings

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "prometheus"


def local_config(settings: StackSettings) -> dict[str, object]:
    """The compose scrape config, pointed at the local ports of the services."""
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text(encoding="utf-8"))
    ports = {
        "ingest": settings.ingest_port,
        "processor": settings.processor_port,
        "alerting": settings.alerting_port,
        "prometheus": settings.prometheus_port,
    }
    for job in config.get("scrape_configs", []):
        for static in job.get("static_configs", []):
            static["targets"] = [
                f"{settings.host}:{ports[t.split(':')[0]]}" if t.split(":")[0] in ports else t
                for t in static["targets"]
            ]
    config["rule_files"] = [
        str(DEPLOY / Path(rule).name) if not Path(rule).is_absolute() else rule
        for rule in config.get("rule_files", [])
    ]
    config.pop("alerting", None)
    return config


def prepare(settings: StackSettings) -> list[str]:
    binary = shutil.which("prometheus")
    if binary is None:
        raise ConfigError("prometheus is missing: apt-get install prometheus")
    home = (settings.state_dir / "prometheus").resolve()
    (home / "data").mkdir(parents=True, exist_ok=True)
    config_path = home / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(local_config(settings), sort_keys=False), encoding="utf-8")
    return [
        binary,
        f"--config.file={config_path}",
        f"--storage.tsdb.path={home / 'data'}",
        f"--web.listen-address={settings.host}:{settings.prometheus_port}",
        "--web.enable-lifecycle",
        "--storage.tsdb.retention.time=2d",
        "--log.level=warn",
    ]


def ready(settings: StackSettings) -> str | None:
    try:
        response = httpx.get(f"{settings.prometheus_url}/-/ready", timeout=2)
        if response.status_code != 200:
            return None
        info = httpx.get(f"{settings.prometheus_url}/api/v1/status/buildinfo", timeout=2).json()
        return str(info.get("data", {}).get("version", "unknown"))
    except (httpx.HTTPError, ValueError):
        return None
