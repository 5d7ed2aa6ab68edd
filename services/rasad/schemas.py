"""Generate ``schemas/`` from the message models: one JSON Schema per message and an
AsyncAPI 3.0 document of every topic.

``rasad schemas`` rewrites the files; ``rasad schemas --check`` exits 1 and names the files
that differ from what the models generate (the test suite runs the same check).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from rasad import __version__
from rasad.common.settings import DEFAULT_KAFKA_PORT
from rasad.common.topics import TOPICS, Topic

KAFKA_BINDING_VERSION = "0.5.0"
DEFAULT_DIR = Path("schemas")


def schema_version(model: type[BaseModel]) -> int:
    return int(model.model_fields["schema_version"].default)


def json_schema_file(model: type[BaseModel]) -> str:
    return f"{model.__name__}.v{schema_version(model)}.schema.json"


def message_models() -> list[type[BaseModel]]:
    seen: dict[str, type[BaseModel]] = {}
    for topic in TOPICS:
        seen.setdefault(topic.message.__name__, topic.message)
    return list(seen.values())


def json_schemas() -> dict[str, str]:
    """File name → JSON Schema text, for each message model."""
    files = {}
    for model in message_models():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://rasad.dev/schemas/{json_schema_file(model)}"
        files[json_schema_file(model)] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return files


def _channel_id(topic: Topic) -> str:
    head, *rest = topic.name.replace("_", ".").split(".")
    return head + "".join(part.capitalize() for part in rest)


def asyncapi_document() -> dict[str, Any]:
    components_schemas: dict[str, Any] = {}
    components_messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for model in message_models():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components_schemas.update(schema.pop("$defs", {}))
        components_schemas[model.__name__] = schema
    for topic in TOPICS:
        name = topic.message.__name__
        channel = _channel_id(topic)
        components_messages.setdefault(
            name,
            {
                "name": name,
                "title": name,
                "contentType": "application/json",
                "summary": (topic.message.__doc__ or "").strip().splitlines()[0],
                "payload": {"$ref": f"#/components/schemas/{name}"},
                "headers": {
                    "type": "object",
                    "properties": {"schema_version": {"const": schema_version(topic.message)}},
                },
            },
        )
        channels[channel] = {
            "address": topic.name,
            "description": topic.description + " Deployments may prefix the address (RASAD_TOPIC_PREFIX).",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {
                "kafka": {
                    "topic": topic.name,
                    "partitions": topic.partitions,
                    "replicas": 1,
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        for action, services in (("send", topic.producers), ("receive", topic.consumers)):
            for service in services:
                verb = "publish" if action == "send" else "consume"
                operations[f"{service}_{verb}_{channel}"] = {
                    "action": action,
                    "channel": {"$ref": f"#/channels/{channel}"},
                    "summary": f"{service} {'produces to' if action == 'send' else 'consumes'} {topic.name}",
                    "messages": [{"$ref": f"#/channels/{channel}/messages/{name}"}],
                    "bindings": {
                        "kafka": {
                            "bindingVersion": KAFKA_BINDING_VERSION,
                            **({"groupId": {"type": "string"}} if action == "receive" else {}),
                        }
                    },
                }
        components_messages[name].setdefault(
            "bindings",
            {
                "kafka": {
                    "key": {"type": "string", "description": topic.key},
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        )
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "rasad news event streams",
            "version": __version__,
            "description": "Topics of the rasad ingest, processor and alerting services. "
            "Every message is JSON and carries a schema_version.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {
                "host": f"127.0.0.1:{DEFAULT_KAFKA_PORT}",
                "protocol": "kafka",
                "description": "The broker `rasad stack up` starts.",
            },
            "compose": {
                "host": "kafka:9092",
                "protocol": "kafka",
                "description": "The broker of docker-compose.yml.",
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": components_messages, "schemas": components_schemas},
    }


def generated_files() -> dict[str, str]:
    """Relative path under ``schemas/`` → content."""
    files = {f"json/{name}": text for name, text in json_schemas().items()}
    files["asyncapi.yaml"] = (
        "# Generated by `rasad schemas` from services/rasad/common; do not edit by hand.\n"
        + yaml.safe_dump(asyncapi_document(), sort_keys=False, allow_unicode=True, width=100)
    )
    return files


def stale_files(directory: Path) -> list[str]:
    """Files that are missing, differ from the models, or are left over."""
    expected = generated_files()
    stale = [
        rel
        for rel, text in expected.items()
        if not (directory / rel).is_file() or (directory / rel).read_text(encoding="utf-8") != text
    ]
    present = {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}
    stale.extend(sorted(present - set(expected) - {"README.md"}))
    return stale


def write(directory: Path) -> list[str]:
    for rel, text in generated_files().items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    leftovers = [rel for rel in stale_files(directory)]
    for rel in leftovers:
        (directory / rel).unlink()
    return sorted(generated_files())


def _run(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    if args.check:
        stale = stale_files(directory)
        for rel in stale:
            print(f"stale: {directory / rel}")
        if stale:
            print("run `rasad schemas` (or `make schemas`) to regenerate")
            return 1
        print(f"{directory}: up to date with the models")
        return 0
    for rel in write(directory):
        print(f"wrote {directory / rel}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "schemas", help="regenerate schemas/ (JSON Schema, AsyncAPI) from the models"
    )
    parser.add_argument("--check", action="store_true", help="only report files that differ; exit 1 if any")
    parser.add_argument("--dir", default=str(DEFAULT_DIR), help="output folder (default: schemas)")
    parser.set_defaults(func=_run)
