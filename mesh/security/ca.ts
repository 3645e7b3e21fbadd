/**
 * The mesh's certificate authority (istiod's CA): a self-signed root, generated at start or loaded
 * from a directory (`ca-cert.pem` + `ca-key.pem`, Istio's plug-in CA file names), that issues each
 * workload a short-lived certificate whose only SAN is its SPIFFE id. ECDSA P-256 through WebCrypto;
 * the X.509 encoding is @peculiar/x509's, never hand-written ASN.1.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes, webcrypto, X509Certificate } from 'node:crypto'
import * as x509 from '@peculiar/x509'
import { MeshError } from '../errors.ts'

const SIGNING = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
/** Istio's self-signed root lives 10 years. */
const ROOT_TTL_MS = 10 * 365 * 24 * 3600_000
/** Certificates start a minute in the past, so a peer whose clock lags a little still accepts them. */
const BACKDATE_MS = 60_000

/** One workload certificate with its private key, PEM-encoded for node:tls. */
export interface IssuedCertificate {
  /** `spiffe://cluster.local/ns/default/sa/bookinfo-ratings` */
  readonly spiffeId: string
  readonly certPem: string
  readonly keyPem: string
  /** Hex serial number, unique per issue. */
  readonly serial: string
  readonly notBeforeMs: number
  readonly notAfterMs: number
}

export interface MeshCa {
  /** The root certificate every peer trusts, PEM. */
  readonly rootPem: string
  /** `cluster.local` */
  readonly trustDomain: string
  /** Issues a certificate for `spiffeId`, valid `ttlMs` from `nowMs` (wall-clock epoch ms). */
  issue(spiffeId: string, ttlMs: number, nowMs: number): Promise<IssuedCertificate>
}

export interface CaOptions {
  /** Load the root from here, or create one and save it here so the next start reuses it. */
  readonly dir?: string
  readonly trustDomain?: string
  /** Wall-clock epoch ms, for the root's validity when one is generated. */
  readonly nowMs: number
}

/** Starts the CA: loads `dir/ca-cert.pem` + `dir/ca-key.pem` if present, else generates a root. */
export async function createMeshCa(options: CaOptions): Promise<MeshCa> {
  const trustDomain = options.trustDomain ?? 'cluster.local'
  const loaded = options.dir ? await loadRoot(options.dir) : undefined
  const root = loaded ?? (await generateRoot(trustDomain, options.nowMs))
  if (options.dir && !loaded) await saveRoot(options.dir, root)
  const issuer = new x509.X509Certificate(root.certPem)
  return {
    rootPem: root.certPem,
    trustDomain,
    async issue(spiffeId, ttlMs, nowMs) {
      const keys = (await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
      const serial = serialNumber()
      const notBefore = new Date(nowMs - BACKDATE_MS)
      // X.509 times have whole seconds: round up, so a certificate never lives shorter than asked.
      const notAfter = new Date(Math.ceil((nowMs + ttlMs) / 1000) * 1000)
      const cert = await x509.X509CertificateGenerator.create(
        {
          serialNumber: serial,
          // Istio's workload certificates have an empty subject; the identity is the URI SAN.
          subject: '',
          issuer: issuer.subject,
          notBefore,
          notAfter,
          publicKey: keys.publicKey,
          signingKey: root.key,
          signingAlgorithm: SIGNING,
          extensions: [
            new x509.SubjectAlternativeNameExtension([{ type: 'url', value: spiffeId }], true),
            new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
            new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
            new x509.BasicConstraintsExtension(false, undefined, true),
            await x509.AuthorityKeyIdentifierExtension.create(issuer, false, webcrypto),
          ],
        },
        webcrypto,
      )
      return {
        spiffeId,
        certPem: cert.toString('pem'),
        keyPem: await pkcs8Pem(keys.privateKey),
        serial,
        notBeforeMs: notBefore.getTime(),
        notAfterMs: notAfter.getTime(),
      }
    },
  }
}

/** The URI SANs of a PEM or DER certificate (`spiffe://…`), as node:crypto reads them. */
export function uriSans(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4))
}

interface Root {
  readonly certPem: string
  readonly key: webcrypto.CryptoKey
  readonly keyPem: string
}

async function generateRoot(trustDomain: string, nowMs: number): Promise<Root> {
  const keys = (await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      // Istio's self-signed root: O=<trust domain>.
      name: `O=${trustDomain}`,
      notBefore: new Date(nowMs - BACKDATE_MS),
      notAfter: new Date(nowMs + ROOT_TTL_MS),
      keys,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  )
  return { certPem: cert.toString('pem'), key: keys.privateKey, keyPem: await pkcs8Pem(keys.privateKey) }
}

async function loadRoot(dir: string): Promise<Root | undefined> {
  const certFile = join(dir, 'ca-cert.pem')
  const keyFile = join(dir, 'ca-key.pem')
  let certPem: string
  let keyPem: string
  try {
    ;[certPem, keyPem] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')])
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new MeshError('MESH_CA_INVALID', `--ca-dir ${dir}: ${(err as Error).message}`, 'ca-dir', { cause: err })
  }
  try {
    const cert = new X509Certificate(certPem)
    if (!cert.ca) throw new Error('ca-cert.pem is not a CA certificate (basicConstraints CA:FALSE)')
    const der = Buffer.from(keyPem.replace(/-----[^-]+-----|\s+/g, ''), 'base64')
    const key = await webcrypto.subtle.importKey('pkcs8', der, SIGNING, true, ['sign'])
    return { certPem, key, keyPem }
  } catch (err) {
    throw new MeshError(
      'MESH_CA_INVALID',
      `--ca-dir ${dir}: ca-cert.pem and ca-key.pem must be a PEM CA certificate and its PKCS#8 ECDSA P-256 key (${(err as Error).message})`,
      'ca-dir',
      { cause: err },
    )
  }
}

async function saveRoot(dir: string, root: Root): Promise<void> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'ca-cert.pem'), root.certPem)
  await writeFile(join(dir, 'ca-key.pem'), root.keyPem, { mode: 0o600 })
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key))
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').trimEnd()
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`
}

/** 16 random bytes, first bit cleared so the DER integer stays positive. */
function serialNumber(): string {
  const bytes = randomBytes(16)
  bytes[0]! &= 0x7f
  return bytes.toString('hex')
}
