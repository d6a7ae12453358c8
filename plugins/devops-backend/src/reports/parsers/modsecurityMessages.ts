import { SecuritySeverity } from '@devops-growth/backstage-plugin-devops-common';
import { SecurityEventType } from '@devops-growth/backstage-plugin-devops-node';

/** The fields of one ModSecurity rule message that classification reads. */
export interface RuleMatch {
  id: string | null;
  msg: string | null;
  /** The severity word as written (`CRITICAL`), or a digit 0-7 as some builds write it. */
  severity: string | null;
  tags: string[];
  /** The text before the fields: `Warning. Pattern match "..." at ARGS:q.` */
  text: string;
}

// ` [name "value"]`: values escape `"` and `\` with a backslash; ModSecurity's own fields come
// after the rule's text, which is not escaped (a parameter name is copied into it as sent).
const FIELD_RE = / ?\[([a-z_]+) "((?:[^"\\]|\\.)*)"\]/y;
const FIELDS_START = ' [file "';

/**
 * Reads the fields of a rule message (`audit_data.messages[]` of the JSON audit log). The rule's
 * own text comes first and is not escaped: a request parameter named `"] [id "1"]` shows up in
 * it verbatim. ModSecurity's fields start at its `[file "..."]` field, the last unescaped one
 * (inside field values, quotes are escaped), so fields are read from there; a message without a
 * `[file]` field is read from its first field.
 */
export function parseRuleMessage(message: string): RuleMatch {
  let start = message.lastIndexOf(FIELDS_START);
  if (start === -1) {
    const first = /\s\[[a-z_]+ "/.exec(message);
    start = first ? first.index : message.length;
  }
  const match: RuleMatch = {
    id: null,
    msg: null,
    severity: null,
    tags: [],
    text: message.slice(0, start).trim(),
  };
  FIELD_RE.lastIndex = start;
  for (;;) {
    const m = FIELD_RE.exec(message);
    if (!m) break;
    const value = unescapeField(m[2]);
    switch (m[1]) {
      case 'id':
        match.id ??= value;
        break;
      case 'msg':
        match.msg ??= value;
        break;
      case 'severity':
        match.severity ??= value;
        break;
      case 'tag':
        match.tags.push(value);
        break;
      default:
    }
  }
  return match;
}

function unescapeField(v: string): string {
  return v.indexOf('\\') === -1 ? v : v.replace(/\\(["\\])/g, '$1');
}

/**
 * Rules that give the verdict, not the attack: CRS's blocking evaluation (949xxx inbound, 959xxx
 * outbound) and correlation (980xxx), which fire on the anomaly score of the rules before them.
 */
export function isVerdictRule(id: string | null): boolean {
  return id !== null && /^9(?:49|59|80)\d{3}$/.test(id);
}

/** CRS rule files by their id's first three digits. */
const CRS_RANGES: Record<string, SecurityEventType> = {
  '911': 'protocol-violation', // method enforcement
  '913': 'scanner',
  '920': 'protocol-violation',
  '921': 'protocol-violation', // protocol attacks: smuggling, header injection, splitting
  '922': 'protocol-violation', // multipart attacks (CRS 3.3.5+)
  '930': 'path-traversal', // LFI
  '931': 'file-inclusion', // RFI
  '932': 'command-injection', // RCE
  '933': 'code-injection', // PHP
  '934': 'code-injection', // Node.js and generic
  '941': 'xss',
  '942': 'sql-injection',
  '944': 'code-injection', // Java (deserialisation, Log4Shell)
};

/** CRS `attack-*` tags, the classes custom rules can carry too. */
const ATTACK_TAGS: Record<string, SecurityEventType> = {
  'attack-sqli': 'sql-injection',
  'attack-xss': 'xss',
  'attack-rce': 'command-injection',
  'attack-lfi': 'path-traversal',
  'attack-rfi': 'file-inclusion',
  'attack-injection-php': 'code-injection',
  'attack-injection-generic': 'code-injection',
  'attack-injection-java': 'code-injection',
  'attack-protocol': 'protocol-violation',
  'attack-reputation-scanner': 'scanner',
};

/**
 * The attack class of one fired rule: its CRS `attack-*` tag, else its CRS id range, else
 * `protocol-violation` for the request-body checks of ModSecurity's recommended configuration
 * (ids 200000-200005: unparsable body, multipart strictness), else `other` (session fixation,
 * IP reputation, data leakage, custom rules without a known tag).
 */
export function ruleType(match: RuleMatch): SecurityEventType {
  for (const tag of match.tags) {
    const t = ATTACK_TAGS[tag.toLowerCase()];
    if (t) return t;
  }
  if (match.id !== null) {
    if (/^\d{6}$/.test(match.id)) {
      const t = CRS_RANGES[match.id.slice(0, 3)];
      if (t) return t;
    }
    if (/^20000[0-5]$/.test(match.id)) return 'protocol-violation';
  }
  return 'other';
}

const SEVERITY_WORDS: Record<string, SecuritySeverity> = {
  EMERGENCY: 'critical',
  ALERT: 'critical',
  CRITICAL: 'critical',
  ERROR: 'high',
  WARNING: 'medium',
  NOTICE: 'low',
  INFO: 'low',
  DEBUG: 'low',
};
// ModSecurity's numbers for the same words (syslog levels).
const SEVERITY_DIGITS = [
  'EMERGENCY',
  'ALERT',
  'CRITICAL',
  'ERROR',
  'WARNING',
  'NOTICE',
  'INFO',
  'DEBUG',
];

/** `CRITICAL` (or `2`) -> critical, `ERROR` -> high, `WARNING` -> medium, below -> low. */
export function ruleSeverity(
  severity: string | null,
): SecuritySeverity | undefined {
  if (severity === null) return undefined;
  const word = /^[0-7]$/.test(severity)
    ? SEVERITY_DIGITS[Number(severity)]
    : severity.toUpperCase();
  return SEVERITY_WORDS[word];
}

/** The anomaly score CRS adds per severity (crs-setup.conf defaults), used as weights. */
const WEIGHT: Record<SecuritySeverity, number> = {
  critical: 5,
  high: 4,
  medium: 3,
  low: 2,
};
const RANK: Record<SecuritySeverity, number> = {
  critical: 3,
  high: 2,
  medium: 1,
  low: 0,
};

/** What one transaction's rule messages say. */
export interface Classification {
  type: SecurityEventType;
  severity: SecuritySeverity;
  /** The attack rules that fired, in firing order, each once; verdict rules left out. */
  ruleIds: string[];
  /**
   * The `msg` (else the text) of the first rule of the winning class, or of the first verdict
   * when no other rule fired.
   */
  message: string;
}

/**
 * Classifies a transaction from its rule messages, in firing order.
 *
 * - Verdict rules (949xxx, 959xxx, 980xxx) are left out: they say a threshold was passed,
 *   not what the attack was.
 * - Type: each attack rule adds the anomaly score CRS gives its severity (critical 5, high 4,
 *   medium 3, low 2; 3 when it names none) to its class (`ruleType`); the class with the
 *   highest sum wins, the one that fired first on a tie. This is the split CRS's own
 *   correlation message prints (`SQLI=5,XSS=0,...`), over our classes.
 * - Severity: the highest severity among the attack rules; `medium` when none names one.
 * - Only verdict rules fired (a custom set-up): type `other`, severity from the verdicts.
 * Returns undefined when there are no messages.
 */
export function classify(matches: RuleMatch[]): Classification | undefined {
  if (matches.length === 0) return undefined;
  const attacks = matches.filter(m => !isVerdictRule(m.id));
  const rules = attacks.length > 0 ? attacks : matches;
  const scores = new Map<SecurityEventType, number>();
  let severity: SecuritySeverity | undefined;
  const ruleIds: string[] = [];
  for (const m of rules) {
    const s = ruleSeverity(m.severity);
    if (s && (severity === undefined || RANK[s] > RANK[severity])) {
      severity = s;
    }
    if (attacks.length > 0) {
      const type = ruleType(m);
      scores.set(type, (scores.get(type) ?? 0) + (s ? WEIGHT[s] : 3));
      if (m.id !== null && !ruleIds.includes(m.id)) ruleIds.push(m.id);
    }
  }
  let type: SecurityEventType = 'other';
  let best = -1;
  // Map iteration follows insertion, that is firing order: the first class keeps a tie.
  for (const [t, score] of scores) {
    if (score > best) {
      best = score;
      type = t;
    }
  }
  const lead =
    attacks.length > 0 ? rules.find(m => ruleType(m) === type)! : rules[0];
  return {
    type,
    severity: severity ?? 'medium',
    ruleIds,
    message: lead.msg ?? lead.text,
  };
}
