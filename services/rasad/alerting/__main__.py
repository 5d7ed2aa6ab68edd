"""``python -m rasad.alerting``: the live alerting service (detection loop + HTTP API)."""

from __future__ import annotations

import logging
import sys

import uvicorn
from prometheus_client import CollectorRegistry

from rasad.alerting.api import create_app
from rasad.alerting.metrics import AlertingMetrics
from rasad.alerting.service import open_service, prepare_topics
from rasad.common.errors import RasadError
from rasad.common.settings import AlertingSettings


def main() -> int:
    try:
        settings = AlertingSettings()
        logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        registry = CollectorRegistry()
        metrics = AlertingMetrics.build(registry)
        prepare_topics(settings)
        with open_service(settings, metrics) as service:
            app = create_app(service, registry)
            uvicorn.run(
                app,
                host=settings.alerting_host,
                port=settings.alerting_port,
                log_level=settings.log_level.lower(),
            )
    except RasadError as exc:
        print(f"rasad alerting: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
