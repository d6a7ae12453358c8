import { devopsPlugin } from './plugin';

describe('devops', () => {
  it('should export plugin', () => {
    expect(devopsPlugin).toBeDefined();
  });
});
