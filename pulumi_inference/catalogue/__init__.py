"""Service catalogue: the single source of truth about inference services.

Per service: task types, ``service_settings`` / ``task_settings`` keys (kind, required,
secret, server default, computed by the cluster, updatable in place since which version),
the first Elasticsearch version of each service, task type and setting (``_availability``),
rate-limit defaults, and cross-field rules; plus ``validate_endpoint``, which finds offline
what the cluster would refuse. Pure data and pure functions: no Pulumi, no HTTP.
"""

from .._face import present
from ._api import (
    canonical_service,
    default_model_id,
    deploys_model,
    get_service,
    known_services,
    rate_limit_default,
    secret_keys,
    server_managed_service_keys,
    updatable_service_settings,
)
from ._availability import (
    AVAILABILITY,
    PUT_TIMEOUT_SINCE,
    UPDATE_TIMEOUT_SINCE,
    Since,
    unavailable,
)
from ._availability import since as available_since
from ._chunking import (
    CHUNKING_STRATEGIES,
    DEFAULT_CHUNKING,
    default_chunking_settings,
)
from ._defaults import (
    MODEL_DIMENSIONS,
    SIMILARITY_DEFAULTS,
    service_setting_default,
    task_setting_default,
)
from ._model import (
    EMBEDDING_TASK_TYPES,
    NO_DEFAULT,
    SECRET_KEYS,
    TASK_TYPES,
    UPDATE_API_SINCE,
    FieldSpec,
    Issue,
    ServiceSpec,
)
from ._services import DEPLOYMENT_SERVICES, SERVICES
from ._validate import INFERENCE_ID_PATTERN, canonical_task_type, validate_endpoint

__all__ = [
    "AVAILABILITY",
    "CHUNKING_STRATEGIES",
    "DEFAULT_CHUNKING",
    "DEPLOYMENT_SERVICES",
    "EMBEDDING_TASK_TYPES",
    "INFERENCE_ID_PATTERN",
    "MODEL_DIMENSIONS",
    "NO_DEFAULT",
    "PUT_TIMEOUT_SINCE",
    "SECRET_KEYS",
    "SERVICES",
    "SIMILARITY_DEFAULTS",
    "TASK_TYPES",
    "UPDATE_API_SINCE",
    "UPDATE_TIMEOUT_SINCE",
    "FieldSpec",
    "Issue",
    "ServiceSpec",
    "Since",
    "available_since",
    "canonical_service",
    "canonical_task_type",
    "default_chunking_settings",
    "default_model_id",
    "deploys_model",
    "get_service",
    "known_services",
    "rate_limit_default",
    "secret_keys",
    "server_managed_service_keys",
    "service_setting_default",
    "task_setting_default",
    "unavailable",
    "updatable_service_settings",
    "validate_endpoint",
]

present(__name__, globals())
