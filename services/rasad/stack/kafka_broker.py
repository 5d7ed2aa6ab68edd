"""A real Apache Kafka broker in KRaft mode, assembled from Maven Central jars.

``deploy/kafka/pom.xml`` names the broker artifact and a logging backend; Maven copies
them with their runtime dependencies into ``<cache>/kafka-<version>/lib`` once. The broker
runs as combined broker+controller with a static quorum on loopback.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import uuid
from pathlib import Path

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from rasad.common.errors import ConfigError
from rasad.stack.settings import StackSettings

POM = Path(__file__).resolve().parents[3] / "deploy" / "kafka" / "pom.xml"

LOG4J_PROPERTIES = """\
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.Kafka$=INFO
"""

LOG4J2_YAML = """\
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        Pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
"""


def major_version(version: str) -> int:
    return int(version.split(".", 1)[0])


def fetch_jars(settings: StackSettings) -> Path:
    """Copy the broker's jars from Maven Central into the cache, unless already there."""
    lib = settings.kafka_lib_dir
    if any(lib.glob("kafka_2.13-*.jar")):
        return lib
    if shutil.which("mvn") is None:
        raise ConfigError("Maven (mvn) is needed once to fetch the Kafka jars: apt-get install maven")
    profile = "log4j2" if major_version(settings.kafka_version) >= 4 else "reload4j"
    lib.mkdir(parents=True, exist_ok=True)
    cmd = [
        "mvn",
        "-q",
        "-B",
        "-f",
        str(POM),
        f"-P{profile}",
        f"-Dkafka.version={settings.kafka_version}",
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={lib}",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not any(lib.glob("kafka_2.13-*.jar")):
        shutil.rmtree(lib, ignore_errors=True)
        raise ConfigError(
            f"could not fetch Kafka {settings.kafka_version} jars with Maven:\n"
            f"{(result.stdout + result.stderr)[-2000:]}"
        )
    return lib


def server_properties(settings: StackSettings, data_dir: Path) -> str:
    host, port, cport = settings.host, settings.kafka_port, settings.kafka_controller_port
    return f"""\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@{host}:{cport}
listeners=PLAINTEXT://{host}:{port},CONTROLLER://{host}:{cport}
advertised.listeners=PLAINTEXT://{host}:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs={data_dir}
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
log.retention.hours=168
message.max.bytes=8388608
replica.fetch.max.bytes=8388608
log.segment.bytes=67108864
"""


def java_command() -> str:
    java = shutil.which("java")
    if java is None:
        raise ConfigError(
            "Java 17 or newer is needed for the Kafka broker: apt-get install openjdk-17-jre-headless"
        )
    return java


def prepare(settings: StackSettings) -> list[str]:
    """Write the configuration, format the storage once, and return the broker's argv."""
    java = java_command()
    lib = fetch_jars(settings)
    home = (settings.state_dir / "kafka").resolve()
    data_dir = home / "data"
    home.mkdir(parents=True, exist_ok=True)
    props = home / "server.properties"
    props.write_text(server_properties(settings, data_dir), encoding="utf-8")
    (home / "log4j.properties").write_text(LOG4J_PROPERTIES, encoding="utf-8")
    (home / "log4j2.yaml").write_text(LOG4J2_YAML, encoding="utf-8")
    base = [
        java,
        f"-Xms{settings.kafka_heap}",
        f"-Xmx{settings.kafka_heap}",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j.configuration=file:{home / 'log4j.properties'}",
        f"-Dlog4j2.configurationFile={home / 'log4j2.yaml'}",
        f"-Dkafka.logs.dir={home / 'logs'}",
        "-cp",
        f"{lib}/*",
    ]
    if not (data_dir / "meta.properties").is_file():
        cluster_id = _cluster_id(home)
        fmt = subprocess.run(
            [
                *base,
                "kafka.tools.StorageTool",
                "format",
                "-t",
                cluster_id,
                "-c",
                str(props),
                "--ignore-formatted",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if fmt.returncode != 0:
            raise ConfigError(f"Kafka storage format failed:\n{(fmt.stdout + fmt.stderr)[-2000:]}")
    return [*base, "kafka.Kafka", str(props)]


def _cluster_id(home: Path) -> str:
    """A cluster id kept beside the data, so a restart reuses the formatted storage."""
    path = home / "cluster.id"
    if not path.is_file():
        raw = uuid.uuid4().bytes
        path.write_text(base64.urlsafe_b64encode(raw).decode().rstrip("="), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def ready(settings: StackSettings) -> str | None:
    """The broker's version when it answers a metadata request, else None."""
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=3000, client_id="rasad-stack"
        )
    except (KafkaError, OSError, ValueError):
        return None
    try:
        admin.describe_cluster()
        return broker_version(admin)
    except (KafkaError, OSError):
        return None
    finally:
        admin.close()


def broker_version(admin: KafkaAdminClient) -> str:
    """The broker version kafka-python infers from the API versions it answers (e.g. '3.9')."""
    version = admin._client.check_version()
    return ".".join(str(part) for part in version) if version else "unknown"
