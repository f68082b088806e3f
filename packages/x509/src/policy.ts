import type { Certificate } from './certificate.js';
import { CertificateError } from './errors.js';
import { oids } from './oids.js';

/** A node of the valid_policy_tree (RFC 5280 6.1.2 (a)); qualifiers are not kept. */
interface PolicyNode {
  readonly policy: string;
  expected: Set<string>;
  readonly parent: PolicyNode | null;
  children: number;
}

function fail(message: string): CertificateError {
  return new CertificateError('ERR_CERT_POLICY', message);
}

const created = { count: 0 };

/** Removes nodes without children from the upper levels, bottom-up (RFC 5280 6.1.3 (d)(3)). */
function prune(levels: PolicyNode[][], depth: number): void {
  for (let d = depth - 1; d >= 0; d--) {
    const level = levels[d]!;
    const kept = level.filter((node) => node.children > 0);
    for (const node of level) if (node.children === 0 && node.parent) node.parent.children--;
    levels[d] = kept;
  }
}

/** Most policy tree nodes one path may create (CVE-2023-0464: the tree can grow exponentially). */
const maxPolicyNodes = 10_000;

function child(
  levels: PolicyNode[][],
  depth: number,
  parent: PolicyNode,
  policy: string,
  expected: Set<string>,
): void {
  parent.children++;
  levels[depth]!.push({ policy, expected, parent, children: 0 });
  if (++created.count > maxPolicyNodes) {
    throw new CertificateError(
      'ERR_CERT_WORK_LIMIT',
      'certificate policy tree exceeded its work bound',
    );
  }
}

/**
 * RFC 5280 section 6.1 certificate policy processing for `path` (leaf first, trust anchor
 * last; the anchor itself is not processed), with user-initial-policy-set = {anyPolicy} and
 * the three initial inhibit/explicit flags false: the caller cannot ask for a policy, so this
 * only fails when a CA's policyConstraints require an explicit policy that the path lacks,
 * or when policyMappings map to or from anyPolicy.
 */
export function checkPolicies(path: readonly Certificate[]): void {
  const certificates = path.slice(0, -1).reverse(); // certificate 1 (below the anchor) .. n (leaf)
  const n = certificates.length;
  if (n === 0) return;
  created.count = 0;
  let explicitPolicy = n + 1;
  let inhibitAnyPolicy = n + 1;
  let policyMapping = n + 1;
  const root: PolicyNode = {
    policy: oids.anyPolicy,
    expected: new Set([oids.anyPolicy]),
    parent: null,
    children: 0,
  };
  let levels: PolicyNode[][] | null = [[root]];
  for (let i = 1; i <= n; i++) {
    const certificate = certificates[i - 1]!;
    const last = i === n;
    if (levels !== null && certificate.policies !== undefined) {
      levels.push([]);
      const previous = levels[i - 1]!;
      // (d)(1): each policy hangs below the nodes that expect it, else below anyPolicy.
      for (const policy of certificate.policies) {
        if (policy === oids.anyPolicy) continue;
        const parents = previous.filter((node) => node.expected.has(policy));
        const anchors =
          parents.length > 0 ? parents : previous.filter((node) => node.policy === oids.anyPolicy);
        for (const parent of anchors) child(levels, i, parent, policy, new Set([policy]));
      }
      // (d)(2): anyPolicy stands for every expected policy not yet matched.
      if (
        certificate.policies.includes(oids.anyPolicy) &&
        (inhibitAnyPolicy > 0 || (!last && certificate.selfIssued))
      ) {
        for (const parent of previous) {
          const have = new Set(
            levels[i]!.filter((node) => node.parent === parent).map((node) => node.policy),
          );
          for (const policy of parent.expected) {
            if (!have.has(policy)) child(levels, i, parent, policy, new Set([policy]));
          }
        }
      }
      prune(levels, i);
      if (levels[i]!.length === 0) levels = null;
    } else {
      // (e): no certificatePolicies extension: the tree becomes NULL.
      levels = null;
    }
    // (f)
    if (explicitPolicy === 0 && levels === null) {
      throw fail('a CA requires an explicit certificate policy and the path has none');
    }
    if (last) break;
    // 6.1.4 (a), (b): policy mappings.
    for (const [issuerPolicy, subjectPolicy] of certificate.policyMappings ?? []) {
      if (issuerPolicy === oids.anyPolicy || subjectPolicy === oids.anyPolicy) {
        throw fail('policyMappings map to or from anyPolicy');
      }
    }
    if (levels !== null && certificate.policyMappings !== undefined) {
      const mapped = new Map<string, Set<string>>();
      for (const [issuerPolicy, subjectPolicy] of certificate.policyMappings) {
        const set = mapped.get(issuerPolicy) ?? new Set<string>();
        set.add(subjectPolicy);
        mapped.set(issuerPolicy, set);
      }
      const level = levels[i]!;
      for (const [issuerPolicy, subjects] of mapped) {
        const nodes = level.filter((node) => node.policy === issuerPolicy);
        if (policyMapping > 0) {
          if (nodes.length > 0) {
            for (const node of nodes) node.expected = subjects;
          } else {
            const any = level.find((node) => node.policy === oids.anyPolicy);
            if (any?.parent) child(levels, i, any.parent, issuerPolicy, subjects);
          }
        } else {
          for (const node of nodes) node.parent!.children--;
          levels[i] = level.filter((node) => node.policy !== issuerPolicy);
          prune(levels, i);
          if (levels[i]!.length === 0) levels = null;
          if (levels === null) break;
        }
      }
    }
    // 6.1.4 (h), (i), (j).
    if (!certificate.selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
    }
    const constraints = certificate.policyConstraints;
    if (
      constraints?.requireExplicitPolicy !== undefined &&
      constraints.requireExplicitPolicy < explicitPolicy
    ) {
      explicitPolicy = constraints.requireExplicitPolicy;
    }
    if (
      constraints?.inhibitPolicyMapping !== undefined &&
      constraints.inhibitPolicyMapping < policyMapping
    ) {
      policyMapping = constraints.inhibitPolicyMapping;
    }
    if (
      certificate.inhibitAnyPolicy !== undefined &&
      certificate.inhibitAnyPolicy < inhibitAnyPolicy
    ) {
      inhibitAnyPolicy = certificate.inhibitAnyPolicy;
    }
  }
  // 6.1.5 (a), (b), (g): with user-initial-policy-set = {anyPolicy} the tree is kept as is.
  if (explicitPolicy > 0) explicitPolicy--;
  if (certificates[n - 1]!.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
  if (explicitPolicy === 0 && levels === null) {
    throw fail('a CA requires an explicit certificate policy and the path has none');
  }
}
