"""``rasad stack up|down|status|env``: the local stack without Docker."""

from __future__ import annotations

import argparse
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass

from rasad.common.errors import ConfigError
from rasad.stack import demo, kafka_broker, process, prometheus_server, redis_server, services
from rasad.stack.settings import StackSettings


@dataclass(frozen=True)
class Component:
    name: str
    prepare: Callable[[StackSettings], list[str]]
    ready: Callable[[StackSettings], str | None]
    address: Callable[[StackSettings], str]
    service: bool = False


COMPONENTS: tuple[Component, ...] = (
    Component("kafka", kafka_broker.prepare, kafka_broker.ready, lambda s: s.kafka_bootstrap),
    Component("redis", redis_server.prepare, redis_server.ready, lambda s: s.redis_url),
    *(
        Component(name, services.argv(f"rasad.{name}"), services.ready(name), services.address(name), True)
        for name in ("ingest", "processor", "alerting")
    ),
    Component("prometheus", prometheus_server.prepare, prometheus_server.ready, lambda s: s.prometheus_url),
)
INFRASTRUCTURE = "kafka,redis,prometheus"


def _selected(only: str | None) -> list[Component]:
    if not only:
        return list(COMPONENTS)
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = sorted(set(names) - {c.name for c in COMPONENTS})
    if unknown:
        raise ConfigError(
            f"unknown component(s) {', '.join(unknown)}; known: {', '.join(c.name for c in COMPONENTS)}"
        )
    return [c for c in COMPONENTS if c.name in names]


def _wait_ready(component: Component, settings: StackSettings, managed: process.Managed) -> str:
    deadline = time.monotonic() + settings.ready_timeout_seconds
    while time.monotonic() < deadline:
        version = component.ready(settings)
        if version is not None:
            return version
        if not process.is_ours(managed):
            raise ConfigError(
                f"{component.name} exited during start-up; its log ({managed.log}) ends:\n"
                f"{process.tail(managed.log)}"
            )
        time.sleep(0.5)
    raise ConfigError(
        f"{component.name} was not ready after {settings.ready_timeout_seconds:.0f}s; "
        f"its log ({managed.log}) ends:\n{process.tail(managed.log)}"
    )


def up(settings: StackSettings, only: str | None = None) -> int:
    components = _selected(only)
    argvs = {c.name: c.prepare(settings) for c in components}
    for component in components:
        managed = process.running(settings.state_dir, component.name)
        if managed is None and component.ready(settings) is not None:
            raise ConfigError(
                f"{component.address(settings)} already answers but rasad did not start it; "
                f"stop that process or choose other ports (RASAD_STACK_*_PORT)"
            )
        started = managed is None
        if managed is None:
            env = services.environment(settings) if component.service else None
            # Services run in their own folder under the state folder (faust keeps data there).
            cwd = (settings.state_dir / component.name).resolve() if component.service else None
            if cwd is not None:
                cwd.mkdir(parents=True, exist_ok=True)
            managed = process.start(
                settings.state_dir, component.name, argvs[component.name], env=env, cwd=cwd
            )
        version = _wait_ready(component, settings, managed)
        state = "started" if started else "already running"
        print(
            f"{component.name:<11} {component.address(settings):<32} {state}, pid {managed.pid}, "
            f"version {version}, log {managed.log}"
        )
    print(f"state in {settings.state_dir.resolve()}; stop with `rasad stack down`")
    return 0


def down(settings: StackSettings, only: str | None = None) -> int:
    for component in reversed(_selected(only)):
        print(f"{component.name:<11} {process.stop(settings.state_dir, component.name)}")
    return 0


def status(settings: StackSettings, only: str | None = None) -> int:
    all_ready = True
    for component in _selected(only):
        managed = process.running(settings.state_dir, component.name)
        version = component.ready(settings)
        owner = f"pid {managed.pid}" if managed else "not started by rasad"
        health = f"ready, version {version}" if version else "not answering"
        all_ready &= version is not None
        print(f"{component.name:<11} {component.address(settings):<32} {health} ({owner})")
    return 0 if all_ready else 1


def env(settings: StackSettings) -> int:
    """Where the stack's Kafka, Redis and Prometheus are, for clients and tests."""
    for name, value in {
        "RASAD_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap,
        "RASAD_REDIS_URL": settings.redis_url,
        "RASAD_PROMETHEUS_URL": settings.prometheus_url,
    }.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


def _run(args: argparse.Namespace) -> int:
    settings = StackSettings()
    actions: dict[str, Callable[[], int]] = {
        "up": lambda: up(settings, args.only),
        "down": lambda: down(settings, args.only),
        "status": lambda: status(settings, args.only),
        "env": lambda: env(settings),
        "demo": lambda: demo.run(settings),
    }
    return actions[args.action]()


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stack",
        help="start, stop or inspect the local Kafka, Redis and Prometheus",
        description="Ports and folders come from RASAD_STACK_* variables (see rasad.stack.settings).",
    )
    parser.add_argument("action", choices=("up", "down", "status", "env", "demo"))
    parser.add_argument(
        "--only",
        help=f"comma-separated components, e.g. {INFRASTRUCTURE} (default: all of "
        f"{','.join(c.name for c in COMPONENTS)})",
    )
    parser.set_defaults(func=_run)
