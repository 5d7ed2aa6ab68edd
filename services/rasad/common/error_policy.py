"""The one place that decides what happens to a record that failed: skip it, send it to the
dead-letter topic, or raise.

Every service asks :meth:`ErrorPolicy.decide` with the stage that failed and the exception;
no service makes that choice on its own. The defaults:

* bad input (not UTF-8, not JSON, wrong schema, refused by validation) and a failing
  extraction of one record: **dead-letter** — the record is poison, the worker goes on, the
  cause is kept with the record;
* a record that carries nothing (a tombstone, an empty line): **skip**;
* the infrastructure failing (Kafka does not acknowledge, Redis unreachable) or anything
  unexpected elsewhere: **raise** — retrying later is right, dropping the record is not.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from rasad.common.errors import ConfigError, InputError, RasadError


class Action(enum.StrEnum):
    SKIP = "skip"
    DEAD_LETTER = "dead_letter"
    RAISE = "raise"


class Stage(enum.StrEnum):
    """Where a record failed; the value is what the dead-letter record's ``stage`` says."""

    READ = "read"  # reading a file or a feed item
    DECODE = "decode"  # bytes → text → JSON
    VALIDATE = "validate"  # JSON → message model
    EXTRACT = "extract"  # enrichment of one record
    PUBLISH = "publish"  # Kafka acknowledgement
    COUNT = "count"  # Redis update
    NOTIFY = "notify"  # webhooks and other outbound deliveries


class EmptyRecord(InputError):
    """A record with no value (tombstone, blank line): nothing to handle, nothing lost."""


@dataclass(frozen=True)
class Rule:
    stages: frozenset[Stage]
    errors: tuple[type[BaseException], ...]
    action: Action


RECORD_STAGES = frozenset({Stage.READ, Stage.DECODE, Stage.VALIDATE, Stage.EXTRACT})
ALL_STAGES = frozenset(Stage)

DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(ALL_STAGES, (ConfigError,), Action.RAISE),
    Rule(RECORD_STAGES, (EmptyRecord,), Action.SKIP),
    Rule(
        RECORD_STAGES,
        (InputError, ValidationError, UnicodeError, json.JSONDecodeError, ValueError, TypeError),
        Action.DEAD_LETTER,
    ),
    # One record's enrichment failing must not stop the worker: the record is poison.
    Rule(frozenset({Stage.EXTRACT}), (Exception,), Action.DEAD_LETTER),
    Rule(frozenset({Stage.PUBLISH, Stage.COUNT, Stage.NOTIFY}), (RasadError, OSError), Action.RAISE),
)


@dataclass(frozen=True)
class ErrorPolicy:
    """First matching rule wins; no rule matching means raise."""

    rules: Sequence[Rule] = DEFAULT_RULES

    def decide(self, stage: Stage, error: BaseException) -> Action:
        for rule in self.rules:
            if stage in rule.stages and isinstance(error, rule.errors):
                return rule.action
        return Action.RAISE


DEFAULT_POLICY = ErrorPolicy()
