/** Ranking quality on GitHub's real REST API: agent-phrased queries and the operation a person would pick. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSearchIndex, type SearchIndex } from '../src/search/index.ts';
import { githubOperations } from './support/github-ops.ts';

/** [query, expected operationId(s), must be within the top N (1 unless the answer is genuinely shared)] */
type Case = [query: string, expected: string | string[], within?: number];

const CASES: Case[] = [
  // Issues
  ['create an issue', 'issues/create'],
  ['list issues in a repo', 'issues/list-for-repo'],
  ['get an issue', 'issues/get'],
  ['close an issue', 'issues/update'],
  ['lock an issue', 'issues/lock'],
  ['unlock an issue', 'issues/unlock'],
  ['add a comment to an issue', 'issues/create-comment'],
  ['list comments on an issue', 'issues/list-comments'],
  ['edit an issue comment', 'issues/update-comment'],
  ['delete an issue comment', 'issues/delete-comment'],
  ['add labels to an issue', 'issues/add-labels'],
  ['remove a label from an issue', 'issues/remove-label'],
  ['what labels are on this issue', 'issues/list-labels-on-issue'],
  ['create a label', 'issues/create-label'],
  ['assign a user to an issue', 'issues/add-assignees'],
  ['list milestones', 'issues/list-milestones'],
  ['create a milestone', 'issues/create-milestone'],
  ['show the timeline of an issue', 'issues/list-events-for-timeline'],
  ['fetch open issues for owner/repo', 'issues/list-for-repo'],
  ['add a reaction to an issue', 'reactions/create-for-issue'],
  // Long, chatty agent phrasing: a rare word ("report") competes with the request itself.
  ['I need to open a bug report in octocat/hello-world describing a crash', 'issues/create', 3],

  // Pull requests
  ['open a new PR', 'pulls/create'],
  ['merge a pull request', 'pulls/merge'],
  ['list pull requests', 'pulls/list'],
  ['get a pull request', 'pulls/get'],
  ['update a pull request', 'pulls/update'],
  ['request reviewers for a pull request', 'pulls/request-reviewers'],
  ['list files changed in a pull request', 'pulls/list-files'],
  ['list reviews on a pull request', 'pulls/list-reviews'],
  ['submit a review on a pull request', 'pulls/submit-review'],
  ['list review comments on a pull request', 'pulls/list-review-comments'],
  ['comment on a line of a pull request diff', 'pulls/create-review-comment'],
  ['dismiss a review', 'pulls/dismiss-review'],
  // "open" is a state filter here, and another PR operation's description says "open pull requests".
  ['show me open PRs', 'pulls/list', 3],

  // Repositories
  ['delete a repository', 'repos/delete'],
  ['get a repository', 'repos/get'],
  ['update a repository', 'repos/update'],
  ['create a new repository in an organization', 'repos/create-in-org'],
  ['create a repository for the authenticated user', 'repos/create-for-authenticated-user'],
  ['list my repositories', 'repos/list-for-authenticated-user'],
  ['list repositories for a user', 'repos/list-for-user'],
  ['list organization repositories', 'repos/list-for-org'],
  ['list all repositories in the org', 'repos/list-for-org'],
  ['list public repositories', 'repos/list-public'],
  ['fork a repository', 'repos/create-fork'],
  ['list forks of a repo', 'repos/list-forks'],
  ['transfer a repository', 'repos/transfer'],
  ['get file contents from a repository', 'repos/get-content'],
  ['create or update a file', 'repos/create-or-update-file-contents'],
  ['get the README', 'repos/get-readme'],
  ['list branches', 'repos/list-branches'],
  ['get a branch', 'repos/get-branch'],
  ['rename a branch', 'repos/rename-branch'],
  ['get branch protection', 'repos/get-branch-protection'],
  ['protect the main branch', 'repos/update-branch-protection'],
  ['merge a branch into another', 'repos/merge'],
  ['list commits', 'repos/list-commits'],
  ['get a commit', 'repos/get-commit'],
  ['compare two commits', ['repos/compare-commits-with-basehead', 'repos/compare-commits']],
  ['create a commit status', 'repos/create-commit-status'],
  ['list tags', 'repos/list-tags'],
  ['create a release', 'repos/create-release'],
  ['list releases', 'repos/list-releases'],
  ['get the latest release', 'repos/get-latest-release'],
  ['upload a release asset', 'repos/upload-release-asset'],
  ['generate release notes', 'repos/generate-release-notes'],
  ['add a collaborator to a repository', 'repos/add-collaborator'],
  ['check if a user is a collaborator', 'repos/check-collaborator'],
  // Copilot Spaces and organizations have collaborators too; the repository one is the usual meaning.
  ['list collaborators', 'repos/list-collaborators', 3],
  ['list contributors', 'repos/list-contributors'],
  ['list languages of a repo', 'repos/list-languages'],
  ['get repository topics', 'repos/get-all-topics'],
  ['replace all repository topics', 'repos/replace-all-topics'],
  ['create a webhook for a repo', 'repos/create-webhook'],
  ['list webhooks of a repository', 'repos/list-webhooks'],
  ['ping a webhook', ['repos/ping-webhook', 'orgs/ping-webhook']],
  ['create a deploy key', 'repos/create-deploy-key'],
  ['create a deployment', 'repos/create-deployment'],
  ['list deployments', 'repos/list-deployments'],
  ['list environments', 'repos/get-all-environments'],
  ['get page views', 'repos/get-views'],
  ['get community profile metrics', 'repos/get-community-profile-metrics'],
  ['get the GitHub Pages site', 'repos/get-pages'],
  ['download a repository as a tarball', 'repos/download-tarball-archive'],
  ['download a zip of a repository', 'repos/download-zipball-archive'],
  ['get the license of a repository', 'licenses/get-for-repo'],
  // "rules" pulls towards deployment protection rules; both branch answers are right.
  ['get the protection rules of a branch', ['repos/get-branch-protection', 'repos/get-branch-rules'], 5],

  // Actions
  ['list workflow runs for a repository', 'actions/list-workflow-runs-for-repo'],
  ['trigger a workflow', 'actions/create-workflow-dispatch'],
  ['cancel a workflow run', 'actions/cancel-workflow-run'],
  ['re-run failed jobs of a workflow run', 'actions/re-run-workflow-failed-jobs'],
  ['list jobs for a workflow run', 'actions/list-jobs-for-workflow-run'],
  ['get details of a workflow run', 'actions/get-workflow-run'],
  ['download workflow run logs', 'actions/download-workflow-run-logs'],
  ['get a workflow', 'actions/get-workflow'],
  ['list workflows', 'actions/list-repo-workflows'],
  ['list artifacts for a repository', 'actions/list-artifacts-for-repo'],
  ['download an artifact', 'actions/download-artifact'],
  ['list self-hosted runners for a repo', 'actions/list-self-hosted-runners-for-repo'],
  ['create a repository secret', 'actions/create-or-update-repo-secret'],
  ['create an environment variable', 'actions/create-environment-variable'],
  // Actions, Codespaces, Dependabot and agents each have an identical "Get a repository public key".
  ['get the public key for encrypting repository secrets', 'actions/get-repo-public-key', 5],

  // Users, activity, organizations, teams
  ['get the authenticated user', 'users/get-authenticated'],
  ['get a user by username', 'users/get-by-username'],
  ['update my profile', 'users/update-authenticated'],
  ['follow a user', 'users/follow'],
  ['block a user', 'users/block'],
  ['list users I blocked', 'users/list-blocked-by-authenticated-user'],
  ['list followers of a user', 'users/list-followers-for-user'],
  ['list my followers', 'users/list-followers-for-authenticated-user'],
  ['add an email address', 'users/add-email-for-authenticated-user'],
  ['list my email addresses', 'users/list-emails-for-authenticated-user'],
  // Public SSH keys and SSH signing keys are both "SSH keys".
  ['list ssh keys for the authenticated user', 'users/list-public-ssh-keys-for-authenticated-user', 3],
  ['star a repo', 'activity/star-repo-for-authenticated-user'],
  ['unstar a repository', 'activity/unstar-repo-for-authenticated-user'],
  ['which repos have I starred', 'activity/list-repos-starred-by-authenticated-user'],
  ['list stargazers', 'activity/list-stargazers-for-repo'],
  ['list notifications', 'activity/list-notifications-for-authenticated-user'],
  ['mark notifications as read', 'activity/mark-notifications-as-read'],
  ['list events for a repository', 'activity/list-repo-events'],
  ['list public events', 'activity/list-public-events'],
  // GitHub calls watching a "subscription"; the words meet only through a synonym.
  ['watch a repository', 'activity/set-repo-subscription', 3],
  ['stop watching a repository', 'activity/delete-repo-subscription', 5],
  ['get an organization', 'orgs/get'],
  ['list organizations for the authenticated user', 'orgs/list-for-authenticated-user'],
  ['list members of an organization', 'orgs/list-members'],
  ['remove a member from an organization', 'orgs/remove-member'],
  ['invite someone to an organization', 'orgs/create-invitation'],
  ['list teams in an org', 'teams/list'],
  ['create a team', 'teams/create'],
  ['delete a team', 'teams/delete-in-org'],
  ['give a team access to a repository', 'teams/add-or-update-repo-permissions-in-org', 3],

  // Gists, git data, search, misc
  ['create a gist', 'gists/create'],
  ['list public gists', 'gists/list-public'],
  ['fork a gist', 'gists/fork'],
  ['list gists for the authenticated user', 'gists/list'],
  ['create a tree', 'git/create-tree'],
  ['get a tree', 'git/get-tree'],
  ['create a blob', 'git/create-blob'],
  ['get a git reference', 'git/get-ref'],
  ['search code', 'search/code'],
  ['search users', 'search/users'],
  ['search issues and pull requests', 'search/issues-and-pull-requests'],
  // The rare qualifier "topic" outweighs the common head noun "repositories" for "Search topics".
  ['search repositories by topic', 'search/repos', 3],
  ['create a check run', 'checks/create'],
  ['list code scanning alerts', 'code-scanning/list-alerts-for-repo', 3],
  ['list dependabot alerts for a repository', 'dependabot/list-alerts-for-repo'],
  ['get a dependabot alert', 'dependabot/get-alert'],
  ['list secret scanning alerts for a repository', 'secret-scanning/list-alerts-for-repo'],
  ['get rate limit', 'rate-limit/get'],
  ['render markdown', 'markdown/render'],
  ['get GitHub meta information', 'meta/get'],

  // Pasted names and paths
  ['issuesCreate', 'issues/create'],
  ['issues/create', 'issues/create'],
  ['use `reposListForOrg` please', 'repos/list-for-org'],
  ['POST /repos/{owner}/{repo}/issues', 'issues/create'],
  ['DELETE /repos/{owner}/{repo}', 'repos/delete'],
  ['GET /repos/octocat/hello-world/pulls', 'pulls/list'],
  ['get /repos/{o}/{r}/issues/{n}/comments', 'issues/list-comments'],
];

let index: SearchIndex;
beforeAll(() => {
  index = createSearchIndex(githubOperations());
});

describe('GitHub: agent queries rank the expected operation', () => {
  it.each(CASES)('%s', (query, expected, within = 1) => {
    const wanted = Array.isArray(expected) ? expected : [expected];
    const ids = index.search(query, { limit: within }).map((h) => h.operation.operationId);
    expect(
      ids.filter((id) => wanted.includes(id!)),
      `top ${within}: ${ids.join(', ')}`,
    ).not.toEqual([]);
  });

  it('asserts top-1 for the large majority of cases', () => {
    const strict = CASES.filter(([, , within = 1]) => within === 1).length;
    expect(strict / CASES.length).toBeGreaterThan(0.9);
  });
});

describe('GitHub: API-wide behaviour', () => {
  it('prefers the singular item for "a repository" and the collection for "repositories"', () => {
    expect(index.search('get a repository', { limit: 1 })[0].operation.path).toBe('/repos/{owner}/{repo}');
    const many = index.search('get my repositories', { limit: 1 })[0].operation;
    expect(many.path).toBe('/user/repos');
    expect(many.method).toBe('get');
  });

  it('maps query verbs onto HTTP methods for the same resource', () => {
    const top = (q: string) => index.search(q, { limit: 1 })[0].operation;
    expect(top('create an issue').method).toBe('post');
    expect(top('remove a repository').method).toBe('delete');
    expect(top('change an issue').method).toBe('patch');
    expect(top('show issues for a repo').method).toBe('get');
  });

  it('finds the same operation for abbreviations and full words', () => {
    const first = (q: string) => index.search(q, { limit: 1 })[0].operation.operationId;
    expect(first('create a PR')).toBe('pulls/create');
    expect(first('delete a repo')).toBe('repos/delete');
    expect(first('list org members')).toBe('orgs/list-members');
  });

  it('ranks a deprecated operation below its replacement', () => {
    const ids = index.search('list team repositories', { limit: 10 }).map((h) => h.operation.operationId);
    expect(ids).toContain('teams/list-repos-in-org');
    if (ids.includes('teams/list-repos-legacy')) {
      expect(ids.indexOf('teams/list-repos-in-org')).toBeLessThan(ids.indexOf('teams/list-repos-legacy'));
    }
  });
});
