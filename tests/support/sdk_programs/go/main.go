// The Go inline program over the generated Go SDK (see ../README.md).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	es "github.com/pulumi-inference/pulumi-inference/sdk/go/elasticsearchinference"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

type params struct {
	Prefix        string `json:"prefix"`
	ClusterURL    string `json:"clusterUrl"`
	ClusterAPIKey string `json:"clusterApiKey"`
	OpenaiKey     string `json:"openaiKey"`
	E5Model       string   `json:"e5Model"`
	RegionGeos    []string `json:"regionGeos"`
}

type request struct {
	Command    string            `json:"command"`
	Stack      string            `json:"stack"`
	Project    string            `json:"project"`
	WorkDir    string            `json:"workDir"`
	PulumiHome string            `json:"pulumiHome"`
	CliDir     string            `json:"cliDir"`
	Env        map[string]string `json:"env"`
	Params     params            `json:"params"`
}

type step struct {
	Name         string            `json:"name"`
	Op           string            `json:"op"`
	Keys         []string          `json:"keys"`
	DetailedDiff map[string]string `json:"detailedDiff"`
}

type output struct {
	Value  any  `json:"value"`
	Secret bool `json:"secret"`
}

func program(p params) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cluster, err := es.NewProvider(ctx, "cluster", &es.ProviderArgs{
			Url:    pulumi.StringPtr(p.ClusterURL),
			ApiKey: pulumi.StringPtr(p.ClusterAPIKey),
		})
		if err != nil {
			return err
		}
		openai, err := es.NewInferenceEndpoint(ctx, "openai", &es.InferenceEndpointArgs{
			InferenceId: pulumi.String(p.Prefix + "-openai"),
			TaskType:    pulumi.String("text_embedding"),
			Service:     pulumi.String("openai"),
			ServiceSettings: pulumi.Map{
				"model_id": pulumi.String("text-embedding-3-small"),
				"api_key":  pulumi.String(p.OpenaiKey),
			},
			TaskSettings: pulumi.Map{"user": pulumi.String("sdk-tests")},
		}, pulumi.Provider(cluster))
		if err != nil {
			return err
		}
		e5, err := es.NewInferenceEndpoint(ctx, "e5", &es.InferenceEndpointArgs{
			InferenceId: pulumi.String(p.Prefix + "-e5"),
			TaskType:    pulumi.String("text_embedding"),
			Service:     pulumi.String("elasticsearch"),
			ServiceSettings: pulumi.Map{
				"model_id":        pulumi.String(p.E5Model),
				"num_allocations": pulumi.Int(1),
				"num_threads":     pulumi.Int(1),
			},
		}, pulumi.Provider(cluster))
		if err != nil {
			return err
		}
		ctx.Export("openaiId", openai.InferenceId)
		ctx.Export("dimensions", openai.EffectiveServiceSettings.MapIndex(pulumi.String("dimensions")))
		ctx.Export("similarity", openai.EffectiveServiceSettings.MapIndex(pulumi.String("similarity")))
		ctx.Export("e5Model", e5.ServiceSettings.MapIndex(pulumi.String("model_id")))
		ctx.Export("clusterVersion", e5.ClusterVersion)
		if len(p.RegionGeos) > 0 {
			residency, err := es.NewInferenceRegionPolicy(ctx, "residency", &es.InferenceRegionPolicyArgs{
				AllowedGeos: pulumi.ToStringArray(p.RegionGeos),
			}, pulumi.Provider(cluster))
			if err != nil {
				return err
			}
			ctx.Export("regionCreatedAt", residency.CreatedAt)
		}
		return nil
	}
}

func stepsOf(ch <-chan events.EngineEvent, done chan<- []step) {
	steps := []step{}
	for event := range ch {
		if event.ResourcePreEvent == nil {
			continue
		}
		meta := event.ResourcePreEvent.Metadata
		if !strings.HasSuffix(meta.Type, ":InferenceEndpoint") {
			continue
		}
		diff := map[string]string{}
		for path, d := range meta.DetailedDiff {
			diff[path] = string(d.Kind)
		}
		keys := meta.Keys
		if keys == nil {
			keys = []string{}
		}
		name := meta.URN[strings.LastIndex(meta.URN, "::")+2:]
		steps = append(steps, step{Name: name, Op: string(meta.Op), Keys: keys, DetailedDiff: diff})
	}
	done <- steps
}

func changes(summary *map[string]int) map[string]int {
	if summary == nil {
		return map[string]int{}
	}
	return *summary
}

func run(ctx context.Context, req request, stack auto.Stack) (map[string]any, error) {
	switch req.Command {
	case "up":
		result, err := stack.Up(ctx)
		if err != nil {
			return nil, err
		}
		outputs := map[string]output{}
		for key, value := range result.Outputs {
			outputs[key] = output{Value: value.Value, Secret: value.Secret}
		}
		return map[string]any{"changes": changes(result.Summary.ResourceChanges), "outputs": outputs}, nil
	case "preview":
		ch, done := make(chan events.EngineEvent), make(chan []step)
		go stepsOf(ch, done)
		result, err := stack.Preview(ctx, optpreview.EventStreams(ch))
		if err != nil {
			return nil, err
		}
		return map[string]any{"changes": result.ChangeSummary, "steps": <-done}, nil
	case "destroy":
		result, err := stack.Destroy(ctx)
		if err != nil {
			return nil, err
		}
		return map[string]any{"changes": changes(result.Summary.ResourceChanges)}, nil
	}
	return nil, fmt.Errorf("command %q is not one of up, preview, destroy", req.Command)
}

func main() {
	if err := mainErr(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func mainErr() error {
	var req request
	if err := json.Unmarshal([]byte(os.Getenv("SDK_PROGRAM_REQUEST")), &req); err != nil {
		return errors.Join(errors.New("SDK_PROGRAM_REQUEST is not a request"), err)
	}
	ctx := context.Background()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: req.CliDir, SkipVersionCheck: true})
	if err != nil {
		return err
	}
	stack, err := auto.UpsertStackInlineSource(ctx, req.Stack, req.Project, program(req.Params),
		auto.WorkDir(req.WorkDir), auto.PulumiHome(req.PulumiHome), auto.EnvVars(req.Env), auto.Pulumi(cmd))
	if err != nil {
		return err
	}
	answer, err := run(ctx, req, stack)
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(answer)
}
