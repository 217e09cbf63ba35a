// Inference endpoints in TypeScript, served by the elasticsearch-inference provider plugin.
// The cluster:  pulumi config set elasticsearch-inference:url https://my-cluster:9200
//               pulumi config set --secret elasticsearch-inference:apiKey <key with manage_inference>
// (or ELASTICSEARCH_URL / ELASTICSEARCH_API_KEY in the environment)
import * as pulumi from "@pulumi/pulumi";
import * as es from "@pulumi-inference/elasticsearch-inference";

const config = new pulumi.Config();
const idPrefix = config.get("idPrefix") ?? "ts";

const embeddings = new es.InferenceEndpoint("embeddings", {
    inferenceId: `${idPrefix}-openai-embeddings`,
    taskType: "text_embedding",
    service: "openai",
    serviceSettings: {
        model_id: "text-embedding-3-small", // keys inside keep the cluster's names
        api_key: config.requireSecret("openaiApiKey"),
    },
    taskSettings: { user: "search-team" },
});

const elser = new es.InferenceEndpoint("elser", {
    inferenceId: `${idPrefix}-elser`,
    taskType: "sparse_embedding",
    service: "elasticsearch",
    serviceSettings: {
        model_id: ".elser_model_2",
        num_threads: 1,
        adaptive_allocations: { enabled: true, min_number_of_allocations: 0, max_number_of_allocations: 4 },
    },
    deploymentTimeout: "20m",
});

export const embeddingsId = embeddings.inferenceId;
export const dimensions = embeddings.effectiveServiceSettings.apply((s) => s["dimensions"] as number);
export const similarity = embeddings.effectiveServiceSettings.apply((s) => s["similarity"] as string);
export const elserId = elser.inferenceId;
