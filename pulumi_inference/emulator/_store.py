"""In-memory state of the emulated cluster: endpoints (secrets kept apart), pipelines,
index mappings, deployments, runtime settings and the request log."""

from __future__ import annotations

import copy
import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .._version import Version
from ._deployments import Deployments
from ._errors import JsonDict
from ._requests import parse_version


@dataclass
class Settings:
    """Runtime settings, changeable through ``PUT /_emulator/settings``."""

    version: str = "9.1.0"
    build_flavor: str = "default"
    cluster_name: str = "emulator"
    cluster_uuid: str = "emuLat0rClusterUUID00001"  # the Emulator gives each its own
    deployment_seconds: float = 0.5
    put_waits_for_deployment: bool = False
    linux_x86: bool = True
    eis: bool = False

    @property
    def version_tuple(self) -> Version:
        return parse_version(self.version)

    @property
    def serverless(self) -> bool:
        return self.build_flavor == "serverless"

    @property
    def eis_available(self) -> bool:
        """Whether the Elastic Inference Service serves this cluster (Serverless: always)."""
        return self.eis or self.serverless

    def to_json(self) -> JsonDict:
        return {
            "version": self.version,
            "build_flavor": self.build_flavor,
            "cluster_name": self.cluster_name,
            "cluster_uuid": self.cluster_uuid,
            "deployment_seconds": self.deployment_seconds,
            "put_waits_for_deployment": self.put_waits_for_deployment,
            "linux_x86": self.linux_x86,
            "eis": self.eis,
        }

    def update(self, data: JsonDict) -> None:
        types: dict[str, tuple[type, ...]] = {
            "version": (str,),
            "build_flavor": (str,),
            "cluster_name": (str,),
            "cluster_uuid": (str,),
            "deployment_seconds": (int, float),
            "put_waits_for_deployment": (bool,),
            "linux_x86": (bool,),
            "eis": (bool,),
        }
        for key, value in data.items():
            if key not in types:
                raise ValueError(f"unknown setting [{key}]; known: {sorted(types)}")
            if not isinstance(value, types[key]) or (
                isinstance(value, bool) and bool not in types[key]
            ):
                raise ValueError(f"setting [{key}] has the wrong type")
        for key, value in data.items():
            setattr(self, key, float(value) if key == "deployment_seconds" else value)


@dataclass
class StoredEndpoint:
    inference_id: str
    task_type: str
    service: str
    service_settings: JsonDict
    secrets: JsonDict
    task_settings: JsonDict
    chunking_settings: JsonDict | None
    deployment_id: str | None = None


@dataclass
class LogEntry:
    seq: int
    time: float
    method: str
    path: str
    query: str
    connection_id: int
    status: int | None = None
    duration_ms: float = 0.0
    fault: str | None = None
    principal: str | None = None

    def to_json(self) -> JsonDict:
        return {
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "connection_id": self.connection_id,
            "fault": self.fault,
            "principal": self.principal,
        }


class RequestLog:
    def __init__(self, maxlen: int = 10000) -> None:
        self._lock = threading.Lock()
        self._entries: deque[LogEntry] = deque(maxlen=maxlen)
        self._seq = itertools.count(1)

    def start(self, method: str, path: str, query: str, connection_id: int) -> LogEntry:
        entry = LogEntry(next(self._seq), time.time(), method, path, query, connection_id)
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self) -> list[JsonDict]:
        with self._lock:
            return [e.to_json() for e in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass
class State:
    settings: Settings
    lock: threading.RLock = field(default_factory=threading.RLock)
    endpoints: dict[str, StoredEndpoint] = field(default_factory=dict)
    pipelines: dict[str, JsonDict] = field(default_factory=dict)
    indices: dict[str, JsonDict] = field(default_factory=dict)
    deployments: Deployments = field(default_factory=Deployments)
    log: RequestLog = field(default_factory=RequestLog)
    region_policy: JsonDict | None = None  # the stored document (9.5+)

    def clear(self) -> None:
        with self.lock:
            self.endpoints.clear()
            self.pipelines.clear()
            self.indices.clear()
            self.deployments.clear()
            self.region_policy = None
        self.log.clear()


def deep_copy(value: Any) -> Any:
    return copy.deepcopy(value)
