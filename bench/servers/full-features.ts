/**
 * Every filter of the outbound chain active but idle (nothing here ever trips or fires), so the
 * benchmark pays for the checks, not for their effects. Applied to the `bench` service. Kept in a
 * module, not a file beside it, so the servers also run from a bundle.
 */
export const FULL_FEATURES_YAML = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bench
spec:
  hosts: [bench]
  http:
    - name: bench-route
      fault:
        delay: { percentage: { value: 0 }, fixedDelay: 1s }
        abort: { percentage: { value: 0 }, httpStatus: 503 }
      timeout: 10s
      retries: { attempts: 3, perTryTimeout: 5s, retryOn: "5xx,connect-failure,refused-stream" }
      route:
        - destination: { host: bench, subset: v1 }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: bench
spec:
  host: bench
  trafficPolicy:
    connectionPool:
      tcp: { maxConnections: 100000, connectTimeout: 10s }
      http: { http1MaxPendingRequests: 100000, http2MaxRequests: 100000, maxRetries: 10000 }
    outlierDetection: { consecutive5xxErrors: 100000, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100 }
  subsets:
    - name: v1
      labels: { version: v1 }
`
