import { ReportParser } from '@devops-growth/backstage-plugin-devops-node';

/** The report formats known to the backend, built-in and added by modules alike. */
export class ReportParserRegistry {
  private readonly parsers = new Map<string, ReportParser>();

  add(...parsers: ReportParser[]) {
    for (const parser of parsers) {
      if (!/^[a-z0-9][a-z0-9-]*$/.test(parser.format)) {
        throw new Error(
          `Invalid report format name '${parser.format}': use lower-case letters, digits and dashes`,
        );
      }
      if (this.parsers.has(parser.format)) {
        throw new Error(
          `A parser for report format '${parser.format}' is already registered`,
        );
      }
      this.parsers.set(parser.format, parser);
    }
  }

  get(format: string): ReportParser | undefined {
    return this.parsers.get(format);
  }

  formats(): string[] {
    return [...this.parsers.keys()].sort();
  }
}
