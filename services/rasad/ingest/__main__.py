"""``python -m rasad.ingest``: the ingest HTTP API under uvicorn, configured by ``RASAD_*``."""

from __future__ import annotations

import sys

import uvicorn
from prometheus_client import CollectorRegistry

from rasad.common.errors import RasadError
from rasad.common.settings import IngestSettings
from rasad.ingest.auth import api_token
from rasad.ingest.service import build_app, open_ingestor, prepare_topics


def main() -> int:
    try:
        settings = IngestSettings()
        api_token(settings)  # refuse an unprotected public API before connecting anywhere
        registry = CollectorRegistry()
        prepare_topics(settings)
        with open_ingestor(settings, registry) as (ingestor, metrics):
            app = build_app(settings, ingestor, metrics, registry)
            uvicorn.run(
                app,
                host=settings.ingest_host,
                port=settings.ingest_port,
                log_level=settings.log_level.lower(),
            )
    except RasadError as exc:
        print(f"rasad ingest: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
