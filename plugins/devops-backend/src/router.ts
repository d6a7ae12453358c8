import express from 'express';
import Router from 'express-promise-router';

/** `/api/devops`: the health check, then the reports route and each area's routes. */
export function createRouter(routers: express.Router[]): express.Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  for (const child of routers) {
    router.use(child);
  }
  return router;
}
