/**
 * Every diagnostic code the config edge emits, with a one-line title. docs/errors.md explains each one with
 * an example and a fix; `codes.test.ts` keeps this table, the source and the doc in step.
 */

export const CODES = {
  // --- documents and resources ---
  MD0001: 'YAML syntax error',
  MD0002: 'not a Kubernetes object',
  MD0003: 'kind not supported',
  MD0004: 'apiVersion not supported',
  MD0005: 'invalid metadata',
  MD0006: 'same resource twice in one apply',
  MD0007: 'config too large',
  MD0008: 'too many resources in one apply',
  MD0009: 'too many YAML aliases',
  MD0010: 'nested too deeply',
  MD0011: 'YAML value not supported',
  MD0012: 'more problems not shown',
  // --- fields ---
  MD0101: 'invalid number',
  MD0102: 'wrong type',
  MD0103: 'unknown field',
  MD0104: 'field not simulated',
  MD0105: 'deprecated field',
  MD0106: 'value not allowed',
  MD0107: 'conflicting fields',
  MD0108: 'required field missing',
  MD0109: 'invalid name or label',
  MD0110: 'invalid host',
  MD0111: 'invalid port',
  MD0112: 'invalid duration',
  MD0113: 'invalid percentage',
  MD0114: 'invalid regex',
  MD0115: 'invalid status code',
  MD0116: 'invalid retryOn',
  MD0117: 'invalid weights',
  MD0118: 'duplicate entry',
  MD0119: 'feature not supported',
  MD0120: 'invalid header operation',
  MD0121: 'setting has no effect',
  // --- across resources (meshdojo) ---
  MD0201: 'several DestinationRules for one host',
  // --- across resources (Istio's own codes) ---
  IST0101: 'ReferencedResourceNotFound',
  IST0109: 'ConflictingMeshGatewayVirtualServiceHosts',
  IST0127: 'NoMatchingWorkloadsFound',
  IST0128: 'NoServerCertificateVerificationDestinationLevel',
  IST0129: 'NoServerCertificateVerificationPortLevel',
  IST0130: 'VirtualServiceUnreachableRule',
  IST0131: 'VirtualServiceIneffectiveMatch',
  IST0132: 'VirtualServiceHostNotFoundInGateway',
  IST0145: 'ConflictingGateways',
  IST0149: 'JwtClaimBasedRoutingWithoutRequestAuthN',
  IST0162: 'GatewayPortNotDefinedOnService',
  IST0165: 'ReferencedInternalGateway',
  IST0173: 'DestinationRuleSubsetNotSelectPods',
  IST0174: 'UnknownDestinationRuleHost',
} as const

export type Code = keyof typeof CODES
