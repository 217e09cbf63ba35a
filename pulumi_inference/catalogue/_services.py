"""The services: one ``ServiceSpec`` each, in alphabetical order of ``service`` value.

Sources: the behaviour digest (shared docs), the elasticsearch-specification types
(``specification/inference/_types``) and the x-pack inference plugin. Where they disagree
the choice is written next to the field.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from . import _cross_field
from ._fields import (
    COMPLETIONS,
    DENSE,
    DIMENSIONS_SET_BY_USER,
    HEADERS,
    INPUT_TYPES,
    RATE_LIMIT,
    RERANK,
    RETRIEVAL_INPUT_TYPES,
    RETURN_DOCUMENTS,
    SIMILARITIES,
    TEXT_EMBEDDING,
    TOP_N,
    TRUNCATIONS,
    USER,
    api_key,
    boolean,
    dimensions,
    integer,
    max_input_tokens,
    model_id,
    number,
    secret,
    similarity,
    string,
    url,
)
from ._model import EMBEDDING_TASK_TYPES, UPDATE_API_SINCE, FieldSpec, ServiceSpec


def _same(value: int, *task_types: str) -> dict[str, int]:
    return dict.fromkeys(task_types, value)


# --- services that deploy a model inside the cluster --------------------------------

_ALLOCATIONS = (
    integer(
        "num_allocations",
        "Number of model allocations (fixed scale). GET reports the live count.",
        updatable_since=UPDATE_API_SINCE,
        server_computed=True,
    ),
    FieldSpec(
        "adaptive_allocations",
        "object",
        "Scale allocations with load between a minimum and a maximum.",
        updatable_since=UPDATE_API_SINCE,
        fields=(
            boolean("enabled", "Turn adaptive allocations on.", default=False),
            # Bounds are checked by the deployment rule: the cluster reads -1 as "not set".
            integer(
                "min_number_of_allocations",
                "Lowest number of allocations (0 lets the deployment scale to zero).",
                minimum=None,
            ),
            integer("max_number_of_allocations", "Highest number of allocations.", minimum=None),
        ),
    ),
    integer(
        "num_threads",
        "Threads per allocation: a power of two, at most 32. Changes through _update are "
        "silently ignored.",
        required_note="unless deployment_id is set",
    ),
)

ELASTICSEARCH = ServiceSpec(
    name="elasticsearch",
    title="Elasticsearch",
    description="Models deployed in the cluster's ML nodes (ELSER, E5, rerank, Eland models).",
    task_types=("rerank", "sparse_embedding", "text_embedding"),
    deploys_model=True,
    service_settings=(
        model_id(
            "Trained model id: a built-in one (.elser_model_2, .multilingual-e5-small, "
            ".rerank-v1) or an Eland-imported model.",
            required=False,
            required_note="unless deployment_id is set",
        ),
        *_ALLOCATIONS,
        string(
            "deployment_id",
            "Attach to this existing trained model deployment instead of starting one.",
        ),
        string(
            "long_document_strategy",
            "Rerank only: how long documents are handled (truncate or chunk).",
            task_types=RERANK,
        ),
        integer(
            "max_chunks_per_doc",
            "Rerank only, with long_document_strategy chunk: chunks kept per document.",
            task_types=RERANK,
        ),
        # spec: absent. The plugin's Eland text_embedding settings read dimensions only from
        # stored config (the cluster fills it) and parse similarity and element_type
        # (byte or float) from the request.
        dimensions(TEXT_EMBEDDING, response_only=True),
        similarity(TEXT_EMBEDDING),
        FieldSpec(
            "element_type",
            "string",
            "Element type of the embeddings (the cluster adds 'float' for Eland models).",
            task_types=TEXT_EMBEDDING,
            server_computed=True,
            choices=("byte", "float"),
        ),
    ),
    task_settings=(
        boolean(
            "return_documents",
            "Whether rerank results include the documents.",
            task_types=RERANK,
            default=True,
        ),
    ),
    rules=(_cross_field.deployment(model_id_required=True),),
)

ELSER = ServiceSpec(
    name="elser",
    title="Elser",
    description="ELSER sparse embeddings deployed in the cluster (deprecated: use elasticsearch).",
    task_types=("sparse_embedding",),
    canonical_name="elasticsearch",
    deploys_model=True,
    default_model_id=".elser_model_2",
    default_model_id_linux_x86=".elser_model_2_linux-x86_64",
    deprecated="since 8.16; stored and returned as service 'elasticsearch'",
    service_settings=(
        *_ALLOCATIONS,
        model_id(
            "ELSER model id; the cluster picks .elser_model_2 or .elser_model_2_linux-x86_64.",
            required=False,
            server_computed=True,
        ),
        string("deployment_id", "Attach to this existing trained model deployment."),
    ),
    rules=(_cross_field.deployment(model_id_required=False),),
)

# --- third-party services ----------------------------------------------------------

ALIBABA = ServiceSpec(
    name="alibabacloud-ai-search",
    title="AlibabaCloud",
    description="AlibabaCloud AI Search.",
    task_types=("completion", "rerank", "sparse_embedding", "text_embedding"),
    rate_limits=_same(1000, "completion", "rerank", "sparse_embedding", "text_embedding"),
    service_settings=(
        api_key(),
        string("host", "Host of the AI Search service.", required=True),
        string("service_id", "Model service id (e.g. ops-text-embedding-001).", required=True),
        string("workspace", "Workspace name.", required=True),
        # spec: absent; the plugin's common settings take an optional http_schema.
        string(
            "http_schema",
            "Scheme used to call the host: https (default) or http.",
            choices=("https", "http"),
        ),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
    ),
    task_settings=(
        # spec: a plain string; the plugin accepts ingest and search only.
        string(
            "input_type",
            "Embeddings: ingest or search.",
            task_types=EMBEDDING_TASK_TYPES,
            choices=RETRIEVAL_INPUT_TYPES,
        ),
        boolean(
            "return_token",
            "Sparse embeddings: return tokens instead of ids.",
            task_types=frozenset({"sparse_embedding"}),
        ),
    ),
)

AMAZON_BEDROCK = ServiceSpec(
    name="amazonbedrock",
    title="AmazonBedrock",
    description="Amazon Bedrock.",
    task_types=("chat_completion", "completion", "text_embedding"),
    rate_limits=_same(240, "chat_completion", "completion", "text_embedding"),
    renamed={"model_id": "model"},
    service_settings=(
        secret("access_key", "AWS access key."),
        secret("secret_key", "AWS secret key."),
        string("region", "AWS region of the model.", required=True),
        string("model", "Base model id or ARN of a provisioned model.", required=True),
        # The specification marks provider optional; every documented example sets it and
        # the plugin reads it as a required enum.
        string(
            "provider",
            "Model provider: amazontitan, anthropic, ai21labs, cohere, meta or mistral.",
            required=True,
        ),
        RATE_LIMIT,
        # spec: absent. Every plugin version refuses dimensions in a request ("does not allow
        # the setting [dimensions]") and fills it itself, so it is response-only here.
        dimensions(TEXT_EMBEDDING, response_only=True),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
    ),
    task_settings=(
        integer("max_new_tokens", "Maximum number of output tokens.", task_types=COMPLETIONS),
        number("temperature", "Sampling temperature (0.0 to 1.0).", task_types=COMPLETIONS),
        number("top_k", "Top-k sampling (anthropic, cohere, mistral).", task_types=COMPLETIONS),
        number("top_p", "Nucleus sampling (0.0 to 1.0).", task_types=COMPLETIONS),
    ),
)

AMAZON_SAGEMAKER = ServiceSpec(
    name="amazon_sagemaker",
    title="AmazonSageMaker",
    description="Amazon SageMaker endpoints.",
    task_types=("text_embedding", "completion", "chat_completion", "sparse_embedding", "rerank"),
    open_task_settings=True,  # with api 'elastic' any key is passed to the model
    service_settings=(
        secret("access_key", "AWS access key."),
        secret("secret_key", "AWS secret key."),
        string("endpoint_name", "Name of the SageMaker endpoint.", required=True),
        string(
            "api",
            "Payload format: openai or elastic.",
            required=True,
            choices=("openai", "elastic"),
        ),
        string("region", "AWS region of the endpoint.", required=True),
        string("target_model", "Model to invoke on a multi-model endpoint."),
        string("target_container_hostname", "Container to invoke on a multi-container endpoint."),
        string("inference_component_name", "Inference component to invoke."),
        integer("batch_size", "Inputs per request.", default=256),
        FieldSpec(
            "dimensions",
            "integer",
            "Embedding dimensions.",
            minimum=1,
            task_types=DENSE,
            server_computed=True,
        ),
        FieldSpec(
            "similarity",
            "string",
            "Similarity measure (api elastic, text_embedding).",
            task_types=DENSE,
            choices=SIMILARITIES,
            server_computed=True,
        ),
        FieldSpec(
            "element_type",
            "string",
            "Embedding element type: byte, float or bit.",
            task_types=DENSE,
            choices=("byte", "float", "bit"),
            server_computed=True,
        ),
    ),
    task_settings=(
        string("custom_attributes", "Value of the X-Amzn-SageMaker-Custom-Attributes header."),
        string("enable_explanations", "JMESPath expression for Clarify explanations."),
        string("inference_id", "Identifier of the inference request."),
        string("session_id", "Stateful session id."),
        string("target_variant", "Production variant to invoke."),
        USER,
    ),
)

ANTHROPIC = ServiceSpec(
    name="anthropic",
    title="Anthropic",
    description="Anthropic Claude models.",
    task_types=("completion", "chat_completion"),
    rate_limits=_same(50, "completion", "chat_completion"),
    service_settings=(api_key(), model_id(), RATE_LIMIT),
    task_settings=(
        integer("max_tokens", "Maximum number of tokens to generate (required).", required=True),
        number("temperature", "Sampling temperature (0.0 to 1.0)."),
        integer("top_k", "Top-k sampling."),
        number("top_p", "Nucleus sampling."),
    ),
)

AZURE_AI_STUDIO = ServiceSpec(
    name="azureaistudio",
    title="AzureAIStudio",
    description="Azure AI Studio (Azure AI Foundry) deployments.",
    task_types=("completion", "rerank", "text_embedding"),
    rate_limits=_same(240, "completion", "rerank", "text_embedding"),
    service_settings=(
        api_key(),
        string("target", "Target URI of the deployment.", required=True),
        string(
            "provider",
            "Model provider (openai, mistral, meta, microsoft_phi, cohere, databricks).",
            required=True,
        ),
        string("endpoint_type", "token (pay as you go) or realtime.", required=True),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
    ),
    task_settings=(
        number("do_sample", "Whether to sample (completion).", task_types=COMPLETIONS),
        integer("max_new_tokens", "Maximum number of output tokens.", task_types=COMPLETIONS),
        number("temperature", "Sampling temperature (0.0 to 2.0).", task_types=COMPLETIONS),
        number("top_p", "Nucleus sampling (0.0 to 2.0).", task_types=COMPLETIONS),
        string("user", "End-user identifier (text_embedding).", task_types=TEXT_EMBEDDING),
        RETURN_DOCUMENTS,
        TOP_N,
    ),
)

AZURE_OPENAI = ServiceSpec(
    name="azureopenai",
    title="AzureOpenAI",
    description="Azure OpenAI deployments.",
    task_types=("completion", "chat_completion", "text_embedding"),
    rate_limits={"text_embedding": 1440, "completion": 120, "chat_completion": 120},
    service_settings=(
        secret(
            "api_key", "API key (one credential: api_key, entra_id or OAuth 2.0).", required=False
        ),
        secret("entra_id", "Microsoft Entra ID token (one credential).", required=False),
        string("client_id", "OAuth 2.0 client id (with client_secret, tenant_id, scopes)."),
        secret("client_secret", "OAuth 2.0 client secret.", required=False),
        string("tenant_id", "OAuth 2.0 tenant id."),
        FieldSpec(
            "scopes",
            "list",
            "OAuth 2.0 scopes, e.g. https://cognitiveservices.azure.com/.default.",
            items="string",
        ),
        string("resource_name", "Name of the Azure OpenAI resource.", required=True),
        string("deployment_id", "Deployment name of the model.", required=True),
        string("api_version", "Azure API version, e.g. 2024-02-01.", required=True),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
        DIMENSIONS_SET_BY_USER,
    ),
    task_settings=(USER, HEADERS),
    rules=(
        _cross_field.one_credential(
            "azureopenai", ("api_key", "entra_id"), _cross_field.AZURE_OAUTH
        ),
    ),
)

COHERE = ServiceSpec(
    name="cohere",
    title="Cohere",
    description="Cohere embeddings, rerank and chat models.",
    task_types=("completion", "rerank", "text_embedding"),
    rate_limits=_same(10000, "completion", "rerank", "text_embedding"),
    service_settings=(
        api_key(),
        model_id(),
        # spec: absent; the plugin's common Cohere settings parse an optional url.
        url("Cohere API URL; the Cohere default when omitted."),
        FieldSpec(
            "embedding_type",
            "string",
            "Embedding type: binary, bit, byte, float or int8.",
            task_types=TEXT_EMBEDDING,
            default="float",
            server_computed=True,
            choices=("binary", "bit", "byte", "float", "int8"),
        ),
        similarity(TEXT_EMBEDDING),
        dimensions(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
        RATE_LIMIT,
    ),
    task_settings=(
        # spec: required; the plugin parses input_type as optional (extractOptionalEnum).
        string(
            "input_type",
            "classification, clustering, ingest or search (embeddings).",
            task_types=TEXT_EMBEDDING,
            choices=INPUT_TYPES,
        ),
        string(
            "truncate",
            "END, NONE or START (embeddings).",
            task_types=TEXT_EMBEDDING,
            choices=TRUNCATIONS,
        ),
        RETURN_DOCUMENTS,
        TOP_N,
    ),
)

CONTEXTUAL_AI = ServiceSpec(
    name="contextualai",
    title="ContextualAI",
    description="Contextual AI rerankers.",
    task_types=("rerank",),
    rate_limits={"rerank": 1000},
    # spec: no url. The first release parsed an optional url; the plugin has since removed
    # it (transport version INFERENCE_CONTEXTUAL_AI_URL_SERVICE_SETTING_REMOVED), so it is
    # not accepted here.
    service_settings=(api_key(), model_id(), RATE_LIMIT),
    task_settings=(
        string("instruction", "Instruction that steers the reranker."),
        integer("top_k", "Number of most relevant documents to return."),
    ),
)

CUSTOM = ServiceSpec(
    name="custom",
    title="Custom",
    description="Any HTTP model service described by request and response templates.",
    task_types=("text_embedding", "sparse_embedding", "rerank", "completion"),
    service_settings=(
        FieldSpec(
            "secret_parameters",
            "object",
            "Secret values (e.g. api_key) usable as ${name} in url, headers and request.",
            required=True,
            secret=True,
            items="string",
            updatable_since=UPDATE_API_SINCE,
        ),
        url("URL of the service; may use ${...} placeholders.", required=True),
        FieldSpec(
            "headers", "object", "HTTP headers; may use ${...} placeholders.", items="string"
        ),
        FieldSpec(
            "request",
            "string|object",
            "Request body template as a JSON string with ${input}, ${query}, ... "
            '(older versions: {"content": template}).',
            required=True,
        ),
        FieldSpec(
            "response",
            "object",
            "How to read the answer.",
            required=True,
            open=True,  # older versions also took error_parser
            fields=(
                FieldSpec(
                    "json_parser",
                    "object",
                    "JSONPath per result field, e.g. {'text_embeddings': "
                    "'$.data[*].embedding[*]'}.",
                    required=True,
                    items="string",
                ),
            ),
        ),
        FieldSpec(
            "query_parameters", "list", "Query parameters as [key, value] pairs.", items="list"
        ),
        FieldSpec(
            "input_type",
            "object",
            "Translation of input types: {'translation': {...}, 'default': ...}.",
        ),
        integer("batch_size", "Inputs per request (embeddings).", default=10),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
    ),
    task_settings=(
        FieldSpec(
            "parameters", "object", "Values for ${...} placeholders of the request template."
        ),
    ),
    # CustomServiceSettings.DEFAULT_RATE_LIMIT_SETTINGS: 10 000 requests a minute.
    rate_limits=_same(10000, "text_embedding", "sparse_embedding", "rerank", "completion"),
)

DEEPSEEK = ServiceSpec(
    name="deepseek",
    title="DeepSeek",
    description="DeepSeek chat models.",
    task_types=("completion", "chat_completion"),
    service_settings=(
        api_key(),
        model_id(),
        url("Chat completions URL (default https://api.deepseek.com/chat/completions)."),
    ),
)

AI21 = ServiceSpec(
    name="ai21",
    title="AI21",
    description="AI21 Jamba models.",
    task_types=("completion", "chat_completion"),
    # The specification marks api_key optional for ai21; the cluster rejects a missing one
    # on some versions, so it is documented but not enforced here.
    service_settings=(api_key(required=False), model_id(), RATE_LIMIT),
)

ELASTIC = ServiceSpec(
    name="elastic",
    title="Elastic",
    description="Elastic Inference Service (EIS): models hosted by Elastic.",
    task_types=(
        "sparse_embedding",
        "text_embedding",
        "rerank",
        "completion",
        "chat_completion",
        "embedding",
    ),
    rate_limits={"chat_completion": 240, "text_embedding": 10000},
    open_task_settings=True,
    service_settings=(
        model_id("EIS model id, e.g. elser_model_2 or rainbow-sprinkles."),
        RATE_LIMIT,
        dimensions(),
        similarity(),
        max_input_tokens(None),
    ),
)

FIREWORKS = ServiceSpec(
    name="fireworksai",
    title="FireworksAI",
    description="Fireworks AI.",
    task_types=("chat_completion", "completion", "text_embedding"),
    rate_limits=_same(6000, "chat_completion", "completion", "text_embedding"),
    service_settings=(
        api_key(),
        model_id(),
        url("API URL; the cluster fills in the Fireworks default.", server_computed=True),
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING, default="cosine"),
        RATE_LIMIT,
    ),
    task_settings=(USER, HEADERS),
)

GOOGLE_AI_STUDIO = ServiceSpec(
    name="googleaistudio",
    title="GoogleAIStudio",
    description="Google AI Studio (Gemini API).",
    task_types=("completion", "text_embedding"),
    rate_limits=_same(360, "completion", "text_embedding"),
    service_settings=(
        api_key(),
        model_id(),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
    ),
)

GOOGLE_VERTEX_AI = ServiceSpec(
    name="googlevertexai",
    title="GoogleVertexAI",
    description="Google Vertex AI, including Model Garden providers.",
    task_types=("rerank", "text_embedding", "completion", "chat_completion"),
    rate_limits=_same(30000, "rerank", "text_embedding", "completion", "chat_completion"),
    service_settings=(
        secret("service_account_json", "Service account key file content (JSON)."),
        FieldSpec(
            "provider",
            "string",
            "Model Garden provider: google (default), anthropic, "
            "meta, hugging_face, mistral or ai21.",
            choices=("google", "anthropic", "meta", "hugging_face", "mistral", "ai21"),
        ),
        model_id(
            required=False,
            required_note="for Google models (text_embedding, completion, chat_completion)",
        ),
        string("project_id", "Google Cloud project id.", required_note="for Google models"),
        string("location", "Region; omit for the global endpoint."),
        url(
            "Model Garden endpoint URL (non-streaming).",
            required_note="url or streaming_url for Model Garden",
        ),
        string("streaming_url", "Model Garden endpoint URL for streaming."),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
        integer(
            "max_batch_size",
            "Inputs per request (embeddings).",
            default=250,
            task_types=TEXT_EMBEDDING,
        ),
        DIMENSIONS_SET_BY_USER,
    ),
    task_settings=(
        boolean(
            "auto_truncate",
            "Truncate inputs longer than the model accepts.",
            task_types=TEXT_EMBEDDING,
        ),
        string("input_type", "ingest or search (embeddings).", task_types=TEXT_EMBEDDING),
        integer("top_n", "Number of results to return (rerank).", task_types=RERANK),
        FieldSpec(
            "thinking_config",
            "object",
            "Gemini thinking configuration.",
            task_types=COMPLETIONS,
            fields=(integer("thinking_budget", "Thinking token budget.", minimum=None),),
        ),
        integer(
            "max_tokens",
            "Maximum output tokens (Model Garden Anthropic; default 1024).",
            task_types=COMPLETIONS,
        ),
    ),
    rules=(_cross_field.vertex_ai,),
)

GROQ = ServiceSpec(
    name="groq",
    title="Groq",
    description="Groq chat models.",
    task_types=("chat_completion",),
    rate_limits={"chat_completion": 1000},
    # spec: no url or organization_id, no task_settings. The plugin's Groq settings mirror
    # OpenAI's: optional url and organization_id, task_settings user and headers.
    service_settings=(
        api_key(required=False),
        model_id(),
        url(),
        string("organization_id", "Organization id sent to Groq."),
        RATE_LIMIT,
    ),
    task_settings=(USER, HEADERS),
)

HUGGING_FACE = ServiceSpec(
    name="hugging_face",
    title="HuggingFace",
    description="Hugging Face Inference Endpoints.",
    task_types=("chat_completion", "completion", "rerank", "text_embedding"),
    rate_limits=_same(3000, "chat_completion", "completion", "rerank", "text_embedding"),
    service_settings=(
        api_key("Hugging Face access token."),
        url("URL of the Inference Endpoint.", required=True),
        model_id(required=False),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
    ),
    task_settings=(RETURN_DOCUMENTS, TOP_N),
)

JINA_AI = ServiceSpec(
    name="jinaai",
    title="JinaAI",
    description="Jina AI embeddings and rerankers.",
    task_types=("embedding", "rerank", "text_embedding"),
    rate_limits=_same(2000, "embedding", "rerank", "text_embedding"),
    service_settings=(
        api_key(),
        model_id(),
        RATE_LIMIT,
        similarity(),
        dimensions(),
        FieldSpec(
            "embedding_type",
            "string",
            "binary, bit or float.",
            task_types=DENSE,
            default="float",
            server_computed=True,
            choices=("binary", "bit", "float"),
        ),
        FieldSpec(
            "multimodal_model",
            "boolean",
            "Whether the model takes images as well (embedding task).",
            task_types=frozenset({"embedding"}),
            server_computed=True,
        ),
        max_input_tokens(),
    ),
    task_settings=(
        RETURN_DOCUMENTS,
        TOP_N,
        string(
            "input_type",
            "classification, clustering, ingest or search.",
            task_types=DENSE,
            choices=INPUT_TYPES,
        ),
        boolean("late_chunking", "Apply late chunking.", task_types=DENSE, default=False),
    ),
)

LLAMA = ServiceSpec(
    name="llama",
    title="Llama",
    description="Llama Stack servers.",
    task_types=("text_embedding", "completion", "chat_completion"),
    rate_limits=_same(3000, "text_embedding", "completion", "chat_completion"),
    service_settings=(
        url("Llama Stack endpoint URL.", required=True),
        model_id(),
        api_key("API key, if the Llama Stack server requires one.", required=False),
        max_input_tokens(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        dimensions(TEXT_EMBEDDING),
        RATE_LIMIT,
        DIMENSIONS_SET_BY_USER,
    ),
)

MISTRAL = ServiceSpec(
    name="mistral",
    title="Mistral",
    description="Mistral AI (the model key is 'model', not 'model_id').",
    task_types=("text_embedding", "completion", "chat_completion"),
    rate_limits=_same(240, "text_embedding", "completion", "chat_completion"),
    renamed={"model_id": "model"},
    service_settings=(
        api_key(),
        string("model", "Mistral model name, e.g. mistral-embed.", required=True),
        max_input_tokens(TEXT_EMBEDDING),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
    ),
)

NVIDIA = ServiceSpec(
    name="nvidia",
    title="Nvidia",
    description="NVIDIA NIM.",
    task_types=("chat_completion", "completion", "rerank", "text_embedding"),
    rate_limits=_same(3000, "chat_completion", "completion", "rerank", "text_embedding"),
    service_settings=(
        api_key(),
        model_id(),
        url("Endpoint URL; the NVIDIA API default when omitted."),
        max_input_tokens(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        dimensions(TEXT_EMBEDDING),
        RATE_LIMIT,
    ),
    task_settings=(
        string(
            "input_type",
            "ingest or search (embeddings).",
            task_types=TEXT_EMBEDDING,
            choices=RETRIEVAL_INPUT_TYPES,
        ),
        string(
            "truncate",
            "END, NONE or START (embeddings).",
            task_types=TEXT_EMBEDDING,
            choices=TRUNCATIONS,
        ),
    ),
)

OPENAI = ServiceSpec(
    name="openai",
    title="OpenAI",
    description="OpenAI (or an OpenAI-compatible API via url).",
    task_types=("chat_completion", "completion", "text_embedding", "embedding"),
    rate_limits={
        "text_embedding": 3000,
        "embedding": 3000,
        "completion": 500,
        "chat_completion": 500,
    },
    service_settings=(
        secret("api_key", "OpenAI API key (or configure OAuth 2.0).", required=False),
        string("client_id", "OAuth 2.0 client id (with client_secret, scopes, token_url)."),
        secret("client_secret", "OAuth 2.0 client secret.", required=False),
        FieldSpec("scopes", "list", "OAuth 2.0 scopes.", items="string"),
        string("token_url", "OAuth 2.0 token URL."),
        model_id(),
        string("organization_id", "OpenAI organization id."),
        url("API URL; defaults to the OpenAI endpoint of the task type."),
        dimensions(),
        similarity(),
        max_input_tokens(),
        RATE_LIMIT,
        DIMENSIONS_SET_BY_USER,
    ),
    task_settings=(USER, HEADERS),
    rules=(_cross_field.one_credential("openai", ("api_key",), _cross_field.OPENAI_OAUTH),),
)

OPENSHIFT_AI = ServiceSpec(
    name="openshift_ai",
    title="OpenShiftAI",
    description="Red Hat OpenShift AI model servers.",
    task_types=("text_embedding", "completion", "chat_completion", "rerank"),
    rate_limits=_same(3000, "text_embedding", "completion", "chat_completion", "rerank"),
    service_settings=(
        api_key(),
        url("Model server URL.", required=True),
        model_id(required=False),
        max_input_tokens(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        dimensions(TEXT_EMBEDDING),
        RATE_LIMIT,
        DIMENSIONS_SET_BY_USER,
    ),
    task_settings=(RETURN_DOCUMENTS, TOP_N),
)

VOYAGE_AI = ServiceSpec(
    name="voyageai",
    title="VoyageAI",
    description="Voyage AI embeddings and rerankers.",
    task_types=("text_embedding", "rerank"),
    rate_limits=_same(2000, "text_embedding", "rerank"),
    service_settings=(
        # The plugin reads api_key as a required secret, but the specification and its
        # official examples omit it; not enforced here so the examples stay valid.
        api_key(required=False),
        model_id(),
        dimensions(TEXT_EMBEDDING),
        # spec: types embedding_type as a number; the plugin parses a name
        # (VoyageAIEmbeddingType: float, int8, byte, bit, binary).
        FieldSpec(
            "embedding_type",
            "string",
            "float, int8 (alias byte) or bit (alias binary).",
            task_types=TEXT_EMBEDDING,
            server_computed=True,
            choices=("float", "int8", "byte", "bit", "binary"),
        ),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
        RATE_LIMIT,
    ),
    task_settings=(
        string(
            "input_type",
            "ingest or search (embeddings).",
            task_types=TEXT_EMBEDDING,
            choices=RETRIEVAL_INPUT_TYPES,
        ),
        boolean(
            "return_documents",
            "Include documents in rerank results.",
            task_types=RERANK,
            default=False,
        ),
        integer("top_k", "Number of most relevant documents to return.", task_types=RERANK),
        boolean("truncation", "Truncate inputs that are too long.", default=True),
    ),
)

WATSONX = ServiceSpec(
    name="watsonxai",
    title="Watsonx",
    description="IBM watsonx.ai.",
    task_types=("text_embedding", "rerank", "chat_completion", "completion"),
    rate_limits=_same(120, "text_embedding", "rerank", "chat_completion", "completion"),
    service_settings=(
        api_key(),
        url("watsonx.ai URL for the region.", required=True),
        string("api_version", "API version date, e.g. 2024-03-14.", required=True),
        model_id(),
        string("project_id", "watsonx.ai project id.", required=True),
        RATE_LIMIT,
        dimensions(TEXT_EMBEDDING),
        similarity(TEXT_EMBEDDING),
        max_input_tokens(TEXT_EMBEDDING),
    ),
    task_settings=(
        integer(
            "truncate_input_tokens",
            "Truncate inputs to this many tokens (rerank).",
            task_types=RERANK,
        ),
        boolean("return_documents", "Include documents in rerank results.", task_types=RERANK),
        integer("top_n", "Number of results to return (rerank).", task_types=RERANK),
    ),
)

_ALL = (
    AI21,
    ALIBABA,
    AMAZON_BEDROCK,
    AMAZON_SAGEMAKER,
    ANTHROPIC,
    AZURE_AI_STUDIO,
    AZURE_OPENAI,
    COHERE,
    CONTEXTUAL_AI,
    CUSTOM,
    DEEPSEEK,
    ELASTIC,
    ELASTICSEARCH,
    ELSER,
    FIREWORKS,
    GOOGLE_AI_STUDIO,
    GOOGLE_VERTEX_AI,
    GROQ,
    HUGGING_FACE,
    JINA_AI,
    LLAMA,
    MISTRAL,
    NVIDIA,
    OPENAI,
    OPENSHIFT_AI,
    VOYAGE_AI,
    WATSONX,
)

SERVICES = MappingProxyType({spec.name: spec for spec in sorted(_ALL, key=lambda s: s.name)})
"""Every service by its ``service`` value, sorted by name."""

DEPLOYMENT_SERVICES: Final[frozenset[str]] = frozenset(
    name for name, spec in SERVICES.items() if spec.deploys_model
)
"""Services whose endpoints run a trained model deployment inside the cluster.

Derived from each service's ``deploys_model``; ``deploys_model(service)`` asks the same.
"""
