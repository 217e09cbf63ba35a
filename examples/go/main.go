// Inference endpoints in Go, served by the elasticsearch-inference provider plugin.
// The cluster:  pulumi config set elasticsearch-inference:url https://my-cluster:9200
//
//	pulumi config set --secret elasticsearch-inference:apiKey <key with manage_inference>
//
// (or ELASTICSEARCH_URL / ELASTICSEARCH_API_KEY in the environment)
package main

import (
	es "github.com/pulumi-inference/pulumi-inference/sdk/go/elasticsearchinference"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		idPrefix := cfg.Get("idPrefix")
		if idPrefix == "" {
			idPrefix = "go"
		}

		embeddings, err := es.NewInferenceEndpoint(ctx, "embeddings", &es.InferenceEndpointArgs{
			InferenceId: pulumi.String(idPrefix + "-openai-embeddings"),
			TaskType:    pulumi.String("text_embedding"),
			Service:     pulumi.String("openai"),
			ServiceSettings: pulumi.Map{ // keys inside keep the cluster's names
				"model_id": pulumi.String("text-embedding-3-small"),
				"api_key":  cfg.RequireSecret("openaiApiKey"),
			},
			TaskSettings: pulumi.Map{"user": pulumi.String("search-team")},
		})
		if err != nil {
			return err
		}

		elser, err := es.NewInferenceEndpoint(ctx, "elser", &es.InferenceEndpointArgs{
			InferenceId: pulumi.String(idPrefix + "-elser"),
			TaskType:    pulumi.String("sparse_embedding"),
			Service:     pulumi.String("elasticsearch"),
			ServiceSettings: pulumi.Map{
				"model_id":    pulumi.String(".elser_model_2"),
				"num_threads": pulumi.Int(1),
				"adaptive_allocations": pulumi.Map{
					"enabled":                   pulumi.Bool(true),
					"min_number_of_allocations": pulumi.Int(0),
					"max_number_of_allocations": pulumi.Int(4),
				},
			},
			DeploymentTimeout: pulumi.String("20m"),
		})
		if err != nil {
			return err
		}

		ctx.Export("embeddingsId", embeddings.InferenceId)
		ctx.Export("dimensions", embeddings.EffectiveServiceSettings.MapIndex(pulumi.String("dimensions")))
		ctx.Export("similarity", embeddings.EffectiveServiceSettings.MapIndex(pulumi.String("similarity")))
		ctx.Export("elserId", elser.InferenceId)
		return nil
	})
}
