import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';

/*
 * Frontend plugins that are dependencies in ../package.json are discovered and installed through
 * `app.packages: all` in app-config.yaml; the DevOps plugin
 * (`@devops-growth/backstage-plugin-devops/alpha`) arrives that way and is deliberately not listed
 * here. Only features that need to be referenced explicitly belong in `features`.
 */
export default createApp({
  features: [catalogPlugin, navModule, homeModule],
});
