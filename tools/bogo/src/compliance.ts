/**
 * BoringSSL's compliance-policy flags (-fips-202205, -wpa-202304, -cnsa-202407): its shim calls
 * SSL_set_compliance_policy after every other setting, so the preset replaces the versions,
 * suites, groups and signature schemes the other flags chose. tlskit has the same presets as
 * `compliancePolicy` (docs/conformance.md); this maps each flag to its name.
 */
import {
  type CompliancePolicy,
  type CompliancePolicyName,
  compliancePolicy,
} from '@tlskit/handshake';
import { flagBool, type ShimConfig } from './flags.js';

/** Each flag with the preset of the same BoringSSL policy (ssl_compliance_policy_*). */
export const policyFlags: Readonly<Record<string, CompliancePolicyName>> = {
  '-fips-202205': 'fips-202205',
  '-wpa-202304': 'wpa3-192-202304',
  '-cnsa-202407': 'cnsa-202407',
};

/**
 * The options of the policy the flags name (none without a policy flag), to spread last.
 * @throws Error for several policies, which BoringSSL's shim refuses too.
 */
export function complianceOptions(config: ShimConfig): CompliancePolicy {
  const named = Object.keys(policyFlags).filter((flag) => flagBool(config, flag));
  if (named.length > 1) throw new Error(`Multiple policy options given: ${named.join(' ')}`);
  const flag = named[0];
  return flag === undefined ? {} : compliancePolicy(policyFlags[flag]!);
}
