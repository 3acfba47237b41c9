// Evaluates a batch of IAM requests with @cloud-copilot/iam-simulate (pinned in package-lock.json;
// AGPL-3.0, used at test time only and never shipped). Reads a JSON array of {id, simulation}
// on stdin, writes a JSON array of {id, result, ignored, engine} on stdout, in the same order.
//
// The validating engine drops context keys it does not know for the action, and it does not
// recognise kms:EncryptionContext:<key> (the service reference's only variable key without a
// "/"). A request whose only dropped keys are encryption-context keys is evaluated again by
// the same library's core engine without that validation; every other dropped key is
// reported, and the Python side fails on it.
import { loadPolicy } from '@cloud-copilot/iam-policy'
import { runSimulation } from '@cloud-copilot/iam-simulate'
// The core engine, as the library's own runUnsafeSimulation calls it (which cannot be used
// itself: it loads the resource policy without the name its analysis reads).
import { DiscoveryContextKeyConstraints } from '../../node_modules/@cloud-copilot/iam-simulate/dist/esm/context_keys/discoveryContextKeyConstraints.js'
import { authorize } from '../../node_modules/@cloud-copilot/iam-simulate/dist/esm/core_engine/CoreSimulatorEngine.js'
import { AwsRequestImpl } from '../../node_modules/@cloud-copilot/iam-simulate/dist/esm/request/request.js'
import { RequestContextImpl } from '../../node_modules/@cloud-copilot/iam-simulate/dist/esm/requestContext.js'

function coreDecision(simulation) {
  const { request } = simulation
  const analysis = authorize({
    request: new AwsRequestImpl(request.principal, request.resource, request.action, new RequestContextImpl(request.contextVariables)),
    sessionPolicy: undefined,
    identityPolicies: simulation.identityPolicies.map((p) => loadPolicy(p.policy, { name: p.name })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: simulation.resourcePolicy ? loadPolicy(simulation.resourcePolicy, { name: 'resource' }) : undefined,
    permissionBoundaries: undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} }
  })
  return analysis.result
}

const ENCRYPTION_CONTEXT = /^kms:encryptioncontext:/i
const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const batch = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const out = []
for (const { id, simulation } of batch) {
  const response = await runSimulation(simulation, {})
  if (response.resultType === 'error') {
    out.push({ id, result: 'Error', errors: response.errors })
    continue
  }
  const ignored = response.resultType === 'single' ? response.result.ignoredContextKeys ?? [] : response.results.flatMap((r) => r.ignoredContextKeys ?? [])
  if (ignored.length > 0 && ignored.every((k) => ENCRYPTION_CONTEXT.test(k))) {
    const result = coreDecision(simulation)
    out.push({ id, result, ignored: [], engine: 'core' })
  } else {
    out.push({ id, result: response.overallResult, ignored, engine: 'validating' })
  }
}
process.stdout.write(JSON.stringify(out))
