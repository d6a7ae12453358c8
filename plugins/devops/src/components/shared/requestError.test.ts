import { ResponseError } from '@backstage/errors';
import { describeRequestError } from './requestError';

async function responseError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', message },
        request: { method: 'POST', url: '/x' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

const forbidden = {
  permission: 'devops.security.finding.update',
  action: "change the status of this entity's findings",
};

describe('describeRequestError', () => {
  it("gives the backend's own message for a refused request", async () => {
    expect(
      describeRequestError(
        await responseError(400, 'reason must not be empty'),
        forbidden,
      ),
    ).toBe('reason must not be empty');
  });

  it('names the missing permission for a 403', async () => {
    expect(
      describeRequestError(await responseError(403, 'Unauthorized'), forbidden),
    ).toBe(
      "You are not allowed to change the status of this entity's findings (permission devops.security.finding.update).",
    );
  });

  it('gives the message of other errors', () => {
    expect(
      describeRequestError(new TypeError('Failed to fetch'), forbidden),
    ).toBe('Failed to fetch');
  });
});
