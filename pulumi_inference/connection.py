"""Where and how to reach a cluster.

``Connection`` is what a program declares (every field a Pulumi Input); ``ClusterConnection``
is what the provider resolves from it, then from stack config, then from the environment
variables Elastic's own tools read. Resolution is per group, most specific source first:
the location (``url`` / ``cloud_id``), the credentials (``api_key`` | ``username`` +
``password`` | ``bearer_token``) and the TLS settings are each taken whole from the first
source that sets any of them, so credentials of one source are never half-mixed with another's.

``FIELDS`` is the one table of connection settings: their names, groups, secrecy, stack
config keys, environment variables and command-line flags all come from it, for the dynamic
resource, the native provider's schema and the ``pulumi-inference import`` command alike.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from ._naming import camel
from .errors import ConfigurationError
from .properties import NATIVE_PACKAGE

if TYPE_CHECKING:  # the HTTP client imports this module and must not load Pulumi
    import pulumi

Group = Literal["location", "credentials", "tls", "headers"]
Kind = Literal["string", "boolean", "map"]

DYNAMIC_CONFIG_NAMESPACE = "elasticsearch"
"""Stack config namespace read by the dynamic resource: ``elasticsearch:url``."""
NATIVE_CONFIG_NAMESPACE = NATIVE_PACKAGE
"""Stack config namespace of the native plugin's default provider (its package name)."""


@dataclass(frozen=True)
class ConnectionField:
    """One connection setting, as every front end spells it."""

    name: str
    group: Group
    description: str
    secret: bool = False
    kind: Kind = "string"
    env: tuple[str, ...] = ()
    negates: str | None = None
    """A config-only boolean that sets the named field to its opposite (``insecure``)."""

    @property
    def config_key(self) -> str:
        """The camelCase name used in stack config and in the native provider's schema."""
        return camel(self.name)

    @property
    def cli_flag(self) -> str:
        return "--" + self.name.replace("_", "-")


FIELDS: tuple[ConnectionField, ...] = (
    ConnectionField(
        "url",
        "location",
        "The cluster's URL, e.g. https://es.example.com:9200.",
        env=("ELASTICSEARCH_URL", "ELASTICSEARCH_ENDPOINTS"),
    ),
    ConnectionField(
        "cloud_id",
        "location",
        "An Elastic Cloud id, decoded to the deployment's Elasticsearch URL.",
        env=("ELASTICSEARCH_CLOUD_ID", "ELASTIC_CLOUD_ID"),
    ),
    ConnectionField(
        "api_key",
        "credentials",
        "An Elasticsearch API key (the encoded form, base64 of id:key).",
        secret=True,
        env=("ELASTICSEARCH_API_KEY",),
    ),
    ConnectionField(
        "username",
        "credentials",
        "Basic-auth user (with password).",
        env=("ELASTICSEARCH_USERNAME",),
    ),
    ConnectionField(
        "password",
        "credentials",
        "Basic-auth password.",
        secret=True,
        env=("ELASTICSEARCH_PASSWORD",),
    ),
    ConnectionField(
        "bearer_token",
        "credentials",
        "An OAuth2/JWT bearer token.",
        secret=True,
        env=("ELASTICSEARCH_BEARER_TOKEN",),
    ),
    ConnectionField(
        "ca_certs",
        "tls",
        "A private CA: a PEM file path or the PEM text itself.",
        env=("ELASTICSEARCH_CA_FILE", "ELASTICSEARCH_CA_CERTS"),
    ),
    ConnectionField(
        "verify_certs",
        "tls",
        "Verify the server certificate (default true); false warns loudly.",
        kind="boolean",
        env=("ELASTICSEARCH_VERIFY_CERTS",),
    ),
    ConnectionField(
        "ssl_assert_fingerprint",
        "tls",
        "Pin the server (or CA) certificate by its SHA-256 fingerprint.",
        env=("ELASTICSEARCH_SSL_ASSERT_FINGERPRINT",),
    ),
    ConnectionField(
        "client_cert",
        "tls",
        "Client certificate for mutual TLS (PEM path or text).",
        env=("ELASTICSEARCH_CLIENT_CERT",),
    ),
    ConnectionField(
        "client_key",
        "tls",
        "The client certificate's private key (PEM path or text).",
        secret=True,
        env=("ELASTICSEARCH_CLIENT_KEY",),
    ),
    ConnectionField(
        "headers",
        "headers",
        "Extra HTTP headers sent with every request (stored as a secret).",
        secret=True,
        kind="map",
    ),
)
FIELDS_BY_NAME: dict[str, ConnectionField] = {f.name: f for f in FIELDS}
ALL_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS)
SECRET_CONNECTION_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.secret)

CONFIG_ONLY_FIELDS: tuple[ConnectionField, ...] = (
    ConnectionField(
        "insecure",
        "tls",
        "Skip TLS verification (the same as verifyCerts: false); warns loudly.",
        kind="boolean",
        env=("ELASTICSEARCH_INSECURE",),
        negates="verify_certs",
    ),
)
"""Settings of stack config and the environment only, not of ``Connection``."""
CONFIG_FIELDS: tuple[ConnectionField, ...] = FIELDS + CONFIG_ONLY_FIELDS
"""Every setting a provider's configuration or the environment may hold."""
PROVIDER_CONFIG_KEYS = frozenset(field.config_key for field in CONFIG_FIELDS)
"""Every key of a provider's configuration (``<namespace>:<key>``)."""


def _group(name: Group) -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS if f.group == name)


def config_keys(namespace: str = DYNAMIC_CONFIG_NAMESPACE) -> tuple[str, ...]:
    """Every stack config key a connection may be read from, e.g. ``elasticsearch:apiKey``."""
    return tuple(f"{namespace}:{f.config_key}" for f in CONFIG_FIELDS)


class Connection:
    """Where and how to reach an Elasticsearch cluster. Every field takes Pulumi Inputs;
    the fields are those of :data:`FIELDS` (listed below)."""

    def __init__(
        self,
        url: pulumi.Input[str] | None = None,
        *,
        api_key: pulumi.Input[str] | None = None,
        username: pulumi.Input[str] | None = None,
        password: pulumi.Input[str] | None = None,
        bearer_token: pulumi.Input[str] | None = None,
        cloud_id: pulumi.Input[str] | None = None,
        ca_certs: pulumi.Input[str] | None = None,
        verify_certs: pulumi.Input[bool] = True,
        ssl_assert_fingerprint: pulumi.Input[str] | None = None,
        client_cert: pulumi.Input[str] | None = None,
        client_key: pulumi.Input[str] | None = None,
        headers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
    ) -> None:
        given = locals()
        for name in ALL_FIELDS:
            setattr(self, name, given[name])

    def to_props(self) -> dict[str, Any]:
        """Declared fields only; ``verify_certs`` only when it is not the default."""
        props = {name: getattr(self, name) for name in ALL_FIELDS}
        if props["verify_certs"] is True:
            del props["verify_certs"]
        return {name: value for name, value in props.items() if value is not None}


@dataclass(frozen=True)
class ClusterConnection:
    """A resolved connection: plain values, ready for the HTTP client."""

    url: str
    api_key: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    bearer_token: str | None = field(default=None, repr=False)
    ca_certs: str | None = None
    verify_certs: bool = True
    ssl_assert_fingerprint: str | None = None
    client_cert: str | None = None
    client_key: str | None = field(default=None, repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    settings: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """Per field, the setting the user writes it as where it came from (``elasticsearch:url``,
    ``connection.url``, ``ELASTICSEARCH_URL``); for a field not set, where it would go beside
    the others of that source. Filled by :func:`resolve_connection`, for messages."""

    def __repr__(self) -> str:
        return f"ClusterConnection(url={self.display_url!r})"

    def setting(self, *names: str) -> str:
        """How the user gives the first of ``names`` that is set (else the first), as they
        wrote it: ``connection.ca_certs`` in a program, ``elasticsearch:caCerts`` in stack
        config, ``ELASTICSEARCH_CA_FILE`` in the environment."""
        written = dict(self.settings)
        chosen = next((name for name in names if getattr(self, name, None)), names[0])
        return written.get(chosen, f"connection.{chosen}")

    @property
    def location_setting(self) -> str:
        """The setting that names the cluster: its URL, or the cloud id it was decoded from."""
        return self.setting("url")

    @property
    def credentials_setting(self) -> str:
        """The setting(s) of the credentials in use, e.g. ``elasticsearch:apiKey``."""
        set_names = [name for name in _group("credentials") if getattr(self, name)]
        return " and ".join(self.setting(name) for name in set_names) or self.setting("api_key")

    @property
    def display_url(self) -> str:
        """The URL without any user info, safe for messages."""
        return strip_userinfo(self.url)

    @property
    def pool_key(self) -> str:
        """Identity of this connection for the client pool (a digest, never the secrets)."""
        material = json.dumps(dataclasses.astuple(self))
        return hashlib.sha256(material.encode()).hexdigest()

    def secret_values(self) -> list[str]:
        """Every credential, for redaction of messages."""
        values: list[str] = []
        for name in SECRET_CONNECTION_FIELDS - {"headers"}:
            value = getattr(self, name)
            if value:
                values.append(value)
        values += [value for _, value in self.headers]
        if self.api_key:
            values.append(_decoded_api_key(self.api_key))
        password = urlsplit(self.url).password
        if password:
            values.append(password)
        return [value for value in values if value]


def strip_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def decode_cloud_id(cloud_id: str) -> str:
    """``name:base64(host[:port]$es_uuid$kibana_uuid)`` to ``https://es_uuid.host:port``."""
    _, _, encoded = cloud_id.rpartition(":")
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            "connection.cloud_id: not a valid Elastic Cloud id (expected 'name:base64...'); "
            "copy it from the deployment's page in the Elastic Cloud console"
        ) from exc
    parts = decoded.split("$")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise ConfigurationError(
            "connection.cloud_id: the decoded id lacks a host or an Elasticsearch id; "
            "copy it again from the Elastic Cloud console"
        )
    host, es_id = parts[0], parts[1]
    port = "443"
    if ":" in host:
        host, port = host.rsplit(":", 1)
    if ":" in es_id:  # an id may carry its own port
        es_id, port = es_id.split(":", 1)
    return f"https://{es_id}.{host}:{port}"


def _decoded_api_key(api_key: str) -> str:
    try:
        return base64.b64decode(api_key, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return api_key


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def config_source(
    config: Mapping[str, Any], namespace: str | None = DYNAMIC_CONFIG_NAMESPACE
) -> dict[str, Any]:
    """Connection fields from config keyed ``<namespace>:<camelCase>`` (or bare camelCase
    keys when ``namespace`` is None, as a native provider's own configuration arrives)."""
    prefix = f"{namespace}:" if namespace else ""
    source = _negations_applied({f.name: config.get(prefix + f.config_key) for f in CONFIG_FIELDS})
    headers = source["headers"]
    if isinstance(headers, str):
        source["headers"] = json.loads(headers) if headers.strip() else None
    return source


def environment_source(environ: Mapping[str, str]) -> dict[str, Any]:
    source: dict[str, Any] = {}
    for f in CONFIG_FIELDS:
        source[f.name] = next((environ[v] for v in f.env if environ.get(v)), None)
    if source["url"] and "," in source["url"]:  # ELASTICSEARCH_ENDPOINTS lists several
        source["url"] = source["url"].split(",")[0].strip()
    return _negations_applied(source)


def _negations_applied(source: dict[str, Any]) -> dict[str, Any]:
    """``insecure: true`` read as ``verify_certs: false`` (unless that is set itself)."""
    for f in CONFIG_ONLY_FIELDS:
        value = source.pop(f.name, None)
        if f.negates and value is not None and source.get(f.negates) is None:
            source[f.negates] = not _truthy(value)
    return source


def _first_group(
    sources: list[dict[str, Any]], names: tuple[str, ...]
) -> tuple[int | None, dict[str, Any]]:
    """The group from the first source that sets any of it, and that source's index."""
    for index, source in enumerate(sources):
        group = {name: source.get(name) for name in names}
        if any(value is not None and value != "" for value in group.values()):
            return index, group
    return None, dict.fromkeys(names)


DECLARED_SETTING = "connection.{name}"
"""How a program writes a field of ``Connection`` (``resolve_connection``'s default)."""


def _written(
    source: int, name: str, namespace: str | None, environ: Mapping[str, str], declared_as: str
) -> str | None:
    """How ``name`` is written in source ``source`` (0 declared, 1 config, 2 environment)."""
    spec = FIELDS_BY_NAME[name]
    if source == 0:
        return declared_as.format(name=name, flag=spec.cli_flag)
    if source == 1:
        key = spec.config_key
        if namespace:
            return f"{namespace}:{key}"
        spelled = key if key == name else f"{key}/{name}"
        return (
            f"{NATIVE_CONFIG_NAMESPACE}:{key} (stack config) or the explicit provider's {spelled}"
        )
    set_var = next((var for var in spec.env if environ.get(var)), None)
    return set_var or (spec.env[0] if spec.env else None)


def _settings_written(
    chosen: dict[str, int | None],
    namespace: str | None,
    environ: Mapping[str, str],
    declared_as: str,
) -> dict[str, str]:
    """Per field, as its source writes it; a group from no source goes with the location."""
    written = {}
    for spec in FIELDS:
        source = chosen.get(spec.group)
        if source is None:
            source = chosen.get("location") or 0
        label = _written(source, spec.name, namespace, environ, declared_as)
        if label is not None:
            written[spec.name] = label
    return written


def resolve_connection(
    declared: Mapping[str, Any] | None,
    config: Mapping[str, Any],
    environ: Mapping[str, str],
    *,
    namespace: str | None = DYNAMIC_CONFIG_NAMESPACE,
    declared_as: str = DECLARED_SETTING,
) -> ClusterConnection:
    """Resolve the connection: the declared one, then config, then the environment.

    ``declared_as``: how the user writes a declared field, for messages (``{name}`` and
    ``{flag}`` are filled in): ``connection.{name}`` in a program, ``{flag}`` on a command line.
    """
    declared_source = dict(declared or {})
    if declared_source.get("verify_certs") is True:
        # The default; not a statement that should hide TLS settings from config or env.
        declared_source.pop("verify_certs")
    sources = [declared_source, config_source(config, namespace), environment_source(environ)]
    chosen: dict[str, int | None] = {}
    chosen["location"], location = _first_group(sources, _group("location"))
    chosen["credentials"], credentials = _first_group(sources, _group("credentials"))
    chosen["tls"], tls = _first_group(sources, _group("tls"))
    chosen["headers"] = next((i for i, s in enumerate(sources) if s.get("headers")), None)
    headers = sources[chosen["headers"]]["headers"] if chosen["headers"] is not None else None

    settings = _settings_written(chosen, namespace, environ, declared_as)
    url = location["url"]
    if not url and location["cloud_id"]:
        url = decode_cloud_id(str(location["cloud_id"]))
        settings["url"] = settings["cloud_id"]
    if not url:
        where = f"`pulumi config set {namespace}:url https://...`" if namespace else "config"
        raise ConfigurationError(
            "no Elasticsearch cluster to call: set `connection=Connection(url=...)` on the "
            f"resource (or the provider's url), or stack config {where}, or the "
            "ELASTICSEARCH_URL environment variable (or a cloud_id)"
        )
    url = str(url).rstrip("/")
    problems = connection_problems({"url": url, **credentials})
    if problems:
        raise ConfigurationError(problems[0][1])
    verify = tls["verify_certs"]
    texts = {
        f.name: _str_or_none({**credentials, **tls}[f.name])
        for f in FIELDS
        if f.kind == "string" and f.group in ("credentials", "tls")
    }
    return ClusterConnection(
        url=url,
        verify_certs=True if verify is None else _truthy(verify),
        headers=tuple(sorted((str(k), str(v)) for k, v in (headers or {}).items())),
        settings=tuple(sorted(settings.items())),
        **texts,
    )


def connection_problems(fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with these connection fields, as (field, a message naming it)."""
    problems = []
    url = fields.get("url")
    if isinstance(url, str) and urlsplit(url).scheme not in {"http", "https"}:
        problems.append(
            (
                "url",
                f"connection.url '{strip_userinfo(url)}' is not an http(s) URL; write it as "
                "https://host:9200",
            )
        )
    if fields.get("password") and not fields.get("username"):
        problems.append(
            (
                "username",
                "connection.password is set without connection.username; set both for basic auth",
            )
        )
    return problems


def _str_or_none(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


Connection.__doc__ = (
    (Connection.__doc__ or "")
    + "\n\n"
    + "\n".join(f"    :param {field.name}: {field.description}" for field in FIELDS)
)
