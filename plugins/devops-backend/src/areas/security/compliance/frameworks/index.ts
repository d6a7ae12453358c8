import { ComplianceFramework } from '@devops-growth/backstage-plugin-devops-node';
import { z } from 'zod';
import gdpr from './gdpr.json';
import iso27001 from './iso27001.json';
import pciDss from './pci-dss.json';
import soc2 from './soc2.json';

/**
 * The built-in control catalogues, kept as data (the JSON files next to this one) and checked
 * against the same schema as frameworks of modules and of the config. Control ids are the
 * standards' own; titles are short and in our own words (the standards' texts are copyrighted),
 * and every title says what the automated checks look at: the score is automated evidence, not
 * a certification.
 */

/** A framework id: what `devops-growth.io/compliance-frameworks` names. */
export const FRAMEWORK_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const controlSchema = z
  .object({
    id: z.string().trim().min(1).max(100),
    title: z.string().trim().min(1).max(200),
    weight: z.number().positive().max(1000).optional(),
    checks: z.array(z.string().min(1)).min(1),
  })
  .strict();

export const frameworkSchema = z
  .object({
    id: z.string().regex(FRAMEWORK_ID_PATTERN, {
      message: 'expected lower-case letters, digits and dashes',
    }),
    title: z.string().trim().min(1).max(200),
    version: z.string().trim().min(1).max(100).optional(),
    controls: z.array(controlSchema).min(1),
  })
  .strict()
  .superRefine((framework, ctx) => {
    const seen = new Set<string>();
    framework.controls.forEach((control, index) => {
      if (seen.has(control.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['controls', index, 'id'],
          message: `control '${control.id}' is listed twice`,
        });
      }
      seen.add(control.id);
    });
  });

/** Where a zod issue is, as a config path suffix: `.controls[0].checks`. */
export function issuePath(issue: { path: PropertyKey[] }): string {
  return issue.path
    .map(p => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('');
}

/**
 * A framework checked against the schema; `source` says where it comes from in the message
 * (`the built-in soc2.json`, `module framework 'acme'`).
 */
export function parseFramework(
  data: unknown,
  source: string,
): ComplianceFramework {
  const parsed = frameworkSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issuePath(issue);
    throw new Error(
      `Invalid compliance framework in ${source}: ${
        path ? `${path.replace(/^\./, '')}: ` : ''
      }${issue.message}`,
    );
  }
  return parsed.data;
}

/** SOC 2, GDPR, ISO/IEC 27001:2022 Annex A and PCI DSS 4.0, in that order. */
export function builtInFrameworks(): ComplianceFramework[] {
  return [
    parseFramework(soc2, 'the built-in soc2.json'),
    parseFramework(gdpr, 'the built-in gdpr.json'),
    parseFramework(iso27001, 'the built-in iso27001.json'),
    parseFramework(pciDss, 'the built-in pci-dss.json'),
  ];
}
