// Runs a plan of calls of the official Node.js client against one cluster and prints, as JSON,
// each call's status and parsed body (or error body); tests/emulator/test_official_node_client.py
// writes the plan and checks the answers.
//
//   node calls.mjs <cluster url> <plan.json>
//   plan: [{"method": "inference.textEmbedding", "params": {...}, "stream": false}, ...]
import { readFileSync } from 'node:fs'
import { Client } from '@elastic/elasticsearch'

const [url, planFile] = process.argv.slice(2)
const client = new Client({ node: url, requestTimeout: 10000 })

async function text (stream) {
  let out = ''
  for await (const chunk of stream) out += chunk.toString('utf8')
  return out
}

async function run (call) {
  const [group, name] = call.method.split('.')
  const api = client[group]
  const options = call.stream ? { meta: true, asStream: true } : { meta: true }
  try {
    const answer = await api[name].call(api, call.params, options)
    const body = call.stream ? await text(answer.body) : answer.body
    return { status: answer.statusCode, body, contentType: answer.headers['content-type'] }
  } catch (err) {
    return { status: err.meta?.statusCode ?? null, error: err.meta?.body ?? String(err), name: err.name }
  }
}

const results = []
for (const call of JSON.parse(readFileSync(planFile, 'utf8'))) {
  results.push(await run(call))
}
await client.close()
process.stdout.write(JSON.stringify(results))
