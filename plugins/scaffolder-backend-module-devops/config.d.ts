export interface Config {
  scaffolder?: {
    /** The DevOps Growth Engine's scaffolder module. */
    devops?: {
      /**
       * Local repositories: the stand-in for a repository host on a machine without one.
       * `devops:publish:local` copies a template's files into `<directory>/<name>/`, and the
       * module's `file://` URL reader (`devopsLocalRepositoriesUrlReader`, added to the backend)
       * lets the catalog read them (`catalog:register` with the action's `catalogInfoUrl`).
       * The reader reads nothing outside this directory; without it, the action refuses to run
       * and no `file://` URL is readable.
       */
      localRepositories?: {
        /**
         * The directory, absolute or relative to the backend's working directory
         * (`packages/backend` under `yarn start`). Created by the first publish.
         */
        directory?: string;
        /**
         * The largest directory `devops:publish:local` copies, all its files together: a number
         * of bytes or a size such as `100mb`, `512kb`. Default: `100mb`. A larger one fails the
         * step before anything is written.
         */
        maxSize?: number | string;
        /** The most files `devops:publish:local` copies in one step. Default: 10000. */
        maxFiles?: number;
      };
    };
  };
}
