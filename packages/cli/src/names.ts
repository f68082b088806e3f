/**
 * Code points as display nodes. Names come from the @tlskit/wire registries; for cipher suites,
 * groups, signature schemes and extensions the full IANA tables, since real clients also send
 * values tlskit does not implement (CBC and DHE suites, ECH, ALPS). RFC 8701 GREASE values print
 * as `GREASE`.
 */
import {
  AlertDescription,
  AlertLevel,
  ContentType,
  EcPointFormat,
  HandshakeType,
  ianaCipherSuites,
  ianaExtensionTypes,
  ianaNamedGroups,
  ianaSignatureSchemes,
  isGrease,
  isKnown,
  nameOf,
  ProtocolVersion,
  PskKeyExchangeMode,
} from '@tlskit/wire';
import { Code } from './tree.js';

type Table = Readonly<Record<string, number>>;

/** The registries a code point can come from. */
export const registries = {
  ContentType: { table: ContentType, width: 1 },
  HandshakeType: { table: HandshakeType, width: 1 },
  ExtensionType: { table: ianaExtensionTypes, width: 2 },
  CipherSuite: { table: ianaCipherSuites, width: 2 },
  NamedGroup: { table: ianaNamedGroups, width: 2 },
  SignatureScheme: { table: ianaSignatureSchemes, width: 2 },
  ProtocolVersion: { table: ProtocolVersion, width: 2 },
  AlertLevel: { table: AlertLevel, width: 1 },
  AlertDescription: { table: AlertDescription, width: 1 },
  PskKeyExchangeMode: { table: PskKeyExchangeMode, width: 1 },
  EcPointFormat: { table: EcPointFormat, width: 1 },
} as const satisfies Record<string, { table: Table; width: 1 | 2 }>;

/** The name of a registry in {@link registries}. */
export type RegistryName = keyof typeof registries;

/** `value` from `registry` as a display node, named when the registry or GREASE knows it. */
export function code(registry: RegistryName, value: number): Code {
  const entry: { table: Table; width: 1 | 2 } = registries[registry];
  return new Code(value, nameIn(entry, value), entry.width);
}

function nameIn(entry: { table: Table; width: 1 | 2 }, value: number): string | undefined {
  if (isKnown(entry.table, value)) return nameOf(entry.table, value);
  // RFC 8701 reserves GREASE values in the uint16 registries only.
  if (entry.width === 2 && isGrease(value)) return 'GREASE';
  return undefined;
}

/** A list of code points from one registry. */
export function codes(registry: RegistryName, values: readonly number[]): Code[] {
  return values.map((value) => code(registry, value));
}
