import express from 'express';
import Router from 'express-promise-router';
import { DevopsAreaParts } from './areas/types';

/** `/api/devops`: the health check, then each area's routes. */
export function createRouter(areas: DevopsAreaParts[]): express.Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  for (const area of areas) {
    router.use(area.router);
  }
  return router;
}
