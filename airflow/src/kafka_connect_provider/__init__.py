"""An Airflow provider for the Kafka Connect REST API: a hook, operators for every lifecycle step, and
deferrable sensors with triggers of their own."""
from __future__ import annotations

__version__ = "0.1.0"


def get_provider_info() -> dict[str, object]:
    """What Airflow's providers manager reads through the ``apache_airflow_provider`` entry point."""
    return {
        "package-name": "segmentation-airflow-kafka-connect",
        "name": "Kafka Connect",
        "description": "Deploys, operates and waits on Kafka Connect connectors through the Connect REST API.",
        "versions": [__version__],
        "connection-types": [
            {"connection-type": "kafka_connect",
             "hook-class-name": "kafka_connect_provider.hooks.connect.KafkaConnectHook"},
        ],
    }
