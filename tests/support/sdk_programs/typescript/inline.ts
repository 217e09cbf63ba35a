// The TypeScript inline program over @pulumi-inference/elasticsearch-inference (see ../README.md).
import * as pulumi from "@pulumi/pulumi";
import { EngineEvent, LocalWorkspace, OpType, PulumiCommand } from "@pulumi/pulumi/automation";
import * as es from "@pulumi-inference/elasticsearch-inference";

interface Params {
    prefix: string;
    clusterUrl: string;
    clusterApiKey: string;
    openaiKey: string;
    e5Model: string;
    /** When given, the program also declares the cluster's region policy with these geos. */
    regionGeos?: string[];
}

interface Request {
    command: "up" | "preview" | "destroy";
    /** A compiled project program (its index.js) to run inline instead of the one below. */
    projectProgram?: string;
    config?: Record<string, { value: string; secret: boolean }>;
    stack: string;
    project: string;
    workDir: string;
    pulumiHome: string;
    cliDir: string;
    env: Record<string, string>;
    params: Params;
}

interface Step {
    name: string;
    op: OpType;
    keys: string[];
    detailedDiff: Record<string, string>;
}

function program(p: Params): () => Promise<Record<string, pulumi.Output<unknown>>> {
    return async () => {
        const cluster = new es.Provider("cluster", { url: p.clusterUrl, apiKey: p.clusterApiKey });
        const openai = new es.InferenceEndpoint(
            "openai",
            {
                inferenceId: `${p.prefix}-openai`,
                taskType: "text_embedding",
                service: "openai",
                serviceSettings: { model_id: "text-embedding-3-small", api_key: p.openaiKey },
                taskSettings: { user: "sdk-tests" },
            },
            { provider: cluster },
        );
        const e5 = new es.InferenceEndpoint(
            "e5",
            {
                inferenceId: `${p.prefix}-e5`,
                taskType: "text_embedding",
                service: "elasticsearch",
                serviceSettings: { model_id: p.e5Model, num_allocations: 1, num_threads: 1 },
            },
            { provider: cluster },
        );
        const region: Record<string, pulumi.Output<unknown>> = {};
        if (p.regionGeos !== undefined) {
            const residency = new es.InferenceRegionPolicy(
                "residency",
                { allowedGeos: p.regionGeos },
                { provider: cluster },
            );
            region.regionCreatedAt = residency.createdAt;
        }
        return {
            ...region,
            openaiId: openai.inferenceId,
            dimensions: openai.effectiveServiceSettings.apply((s) => s["dimensions"]),
            similarity: openai.effectiveServiceSettings.apply((s) => s["similarity"]),
            e5Model: e5.serviceSettings.apply((s) => s["model_id"]),
            clusterVersion: e5.clusterVersion,
        };
    };
}

/** A project's program runs as its language host would run it: its module is loaded inside
 * the running program, and what it exports are the stack's outputs. */
function chosen(request: Request): () => Promise<Record<string, unknown>> {
    const path = request.projectProgram;
    if (path === undefined) {
        return program(request.params);
    }
    return async () => require(path) as Record<string, unknown>;
}

function stepOf(event: EngineEvent, steps: Step[]): void {
    const meta = event.resourcePreEvent?.metadata;
    if (!meta || !meta.type.endsWith(":InferenceEndpoint")) {
        return;
    }
    const detailedDiff: Record<string, string> = {};
    for (const [path, diff] of Object.entries(meta.detailedDiff ?? {})) {
        detailedDiff[path] = diff.diffKind;
    }
    const name = meta.urn.split("::").pop() ?? meta.urn;
    steps.push({ name, op: meta.op, keys: meta.keys ?? [], detailedDiff });
}

async function main(): Promise<void> {
    const request = JSON.parse(process.env.SDK_PROGRAM_REQUEST ?? "") as Request;
    const pulumiCommand = await PulumiCommand.get({ root: request.cliDir, skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: request.stack, projectName: request.project, program: chosen(request) },
        {
            workDir: request.workDir,
            pulumiHome: request.pulumiHome,
            envVars: request.env,
            pulumiCommand,
            projectSettings: { name: request.project, runtime: "nodejs" },
        },
    );
    await stack.setAllConfig(request.config ?? {});
    let answer: Record<string, unknown>;
    if (request.command === "up") {
        const result = await stack.up({ color: "never" });
        const outputs: Record<string, { value: unknown; secret: boolean }> = {};
        for (const [key, output] of Object.entries(result.outputs)) {
            outputs[key] = { value: output.value, secret: output.secret };
        }
        answer = { changes: result.summary.resourceChanges ?? {}, outputs };
    } else if (request.command === "preview") {
        const steps: Step[] = [];
        const result = await stack.preview({ color: "never", onEvent: (e) => stepOf(e, steps) });
        answer = { changes: result.changeSummary, steps };
    } else {
        const result = await stack.destroy({ color: "never" });
        answer = { changes: result.summary.resourceChanges ?? {} };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
}

main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
});
