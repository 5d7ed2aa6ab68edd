"""schemas/ is generated from the message models and must not drift from them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from rasad import schemas
from rasad.common import messages
from rasad.common.topics import TOPICS

ROOT = Path(__file__).resolve().parents[3]


def test_schemas_folder_matches_models() -> None:
    stale = schemas.stale_files(ROOT / "schemas")
    assert stale == [], f"run `make schemas`: {stale}"


def test_stale_files_notices_an_edit(tmp_path: Path) -> None:
    schemas.write(tmp_path)
    assert schemas.stale_files(tmp_path) == []
    target = tmp_path / "json" / "RawArticle.v1.schema.json"
    target.write_text(target.read_text().replace('"text"', '"body"'))
    (tmp_path / "json" / "Orphan.v1.schema.json").write_text("{}")
    assert schemas.stale_files(tmp_path) == ["json/RawArticle.v1.schema.json", "json/Orphan.v1.schema.json"]


def test_every_topic_is_a_channel_with_its_message_and_partitions() -> None:
    doc = yaml.safe_load((ROOT / "schemas" / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert doc["asyncapi"].startswith("3.")
    addresses = {ch["address"]: ch for ch in doc["channels"].values()}
    assert set(addresses) == {t.name for t in TOPICS}
    for topic in TOPICS:
        channel = addresses[topic.name]
        assert channel["bindings"]["kafka"]["partitions"] == topic.partitions
        (ref,) = channel["messages"].values()
        message = doc["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]
        assert message["payload"]["$ref"] == f"#/components/schemas/{topic.message.__name__}"
        for service in topic.producers:
            assert any(
                op["action"] == "send"
                and op["channel"]["$ref"].endswith(
                    next(k for k, v in doc["channels"].items() if v is channel)
                )
                and op["summary"].startswith(service)
                for op in doc["operations"].values()
            )


def test_every_ref_in_asyncapi_resolves() -> None:
    doc = yaml.safe_load((ROOT / "schemas" / "asyncapi.yaml").read_text(encoding="utf-8"))

    def refs(node: object) -> list[str]:
        if isinstance(node, dict):
            return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(doc):
        node: object = doc
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(node, dict) and part in node, f"dangling $ref {ref}"
            node = node[part]


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.name)
def test_every_message_is_versioned_and_strict(topic) -> None:  # type: ignore[no-untyped-def]
    schema = json.loads((ROOT / "schemas" / "json" / schemas.json_schema_file(topic.message)).read_text())
    assert "schema_version" in schema["properties"]
    assert schema["additionalProperties"] is False
    assert issubclass(topic.message, messages.Message)
