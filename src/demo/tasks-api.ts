/** The bundled demo API (tasks and notes), served by duet itself so search and execute work offline. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { describeIssues } from '../http/errors.ts';

const Task = z
  .object({
    id: z.string().openapi({ example: 't1' }),
    title: z.string(),
    done: z.boolean(),
    notes: z.string().optional(),
    due: z.string().optional().openapi({ description: 'Due date, YYYY-MM-DD' }),
    tags: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi('Task');

const NewTask = z
  .object({
    title: z.string().min(1).max(500),
    notes: z.string().max(10_000).optional(),
    due: z.string().optional().openapi({ description: 'Due date, YYYY-MM-DD' }),
    tags: z.array(z.string().max(100)).max(20).optional(),
  })
  .openapi('NewTask');

const TaskUpdate = NewTask.partial().extend({ done: z.boolean().optional() }).openapi('TaskUpdate');

const Note = z
  .object({ id: z.string(), title: z.string(), text: z.string(), createdAt: z.string() })
  .openapi('Note');

const NewNote = z
  .object({ title: z.string().min(1).max(500), text: z.string().max(100_000) })
  .openapi('NewNote');

const Problem = z.object({ error: z.string() }).openapi('Problem');

const IdParam = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' } }) });

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const notFound = json(Problem, 'No such item');

const routes = {
  listTasks: createRoute({
    method: 'get',
    path: '/tasks',
    operationId: 'listTasks',
    tags: ['tasks'],
    summary: 'List tasks, optionally only open or done ones, or those matching a text',
    request: {
      query: z.object({
        done: z.enum(['true', 'false']).optional().openapi({ description: 'Filter by completion' }),
        q: z.string().optional().openapi({ description: 'Text to look for in titles and notes' }),
        tag: z.string().optional(),
      }),
    },
    responses: { 200: json(z.array(Task), 'The tasks, oldest first') },
  }),
  createTask: createRoute({
    method: 'post',
    path: '/tasks',
    operationId: 'createTask',
    tags: ['tasks'],
    summary: 'Create a task',
    request: { body: { content: { 'application/json': { schema: NewTask } }, required: true } },
    responses: { 201: json(Task, 'The new task') },
  }),
  getTask: createRoute({
    method: 'get',
    path: '/tasks/{id}',
    operationId: 'getTask',
    tags: ['tasks'],
    summary: 'Get one task by id',
    request: { params: IdParam },
    responses: { 200: json(Task, 'The task'), 404: notFound },
  }),
  updateTask: createRoute({
    method: 'patch',
    path: '/tasks/{id}',
    operationId: 'updateTask',
    tags: ['tasks'],
    summary: 'Update a task: rename it, mark it done, change notes, due date or tags',
    request: {
      params: IdParam,
      body: { content: { 'application/json': { schema: TaskUpdate } }, required: true },
    },
    responses: { 200: json(Task, 'The updated task'), 404: notFound },
  }),
  deleteTask: createRoute({
    method: 'delete',
    path: '/tasks/{id}',
    operationId: 'deleteTask',
    tags: ['tasks'],
    summary: 'Delete a task',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, 404: notFound },
  }),
  listNotes: createRoute({
    method: 'get',
    path: '/notes',
    operationId: 'listNotes',
    tags: ['notes'],
    summary: 'List notes',
    request: { query: z.object({ q: z.string().optional().openapi({ description: 'Text to look for' }) }) },
    responses: { 200: json(z.array(Note), 'The notes, oldest first') },
  }),
  createNote: createRoute({
    method: 'post',
    path: '/notes',
    operationId: 'createNote',
    tags: ['notes'],
    summary: 'Write a new note',
    request: { body: { content: { 'application/json': { schema: NewNote } }, required: true } },
    responses: { 201: json(Note, 'The new note') },
  }),
  getNote: createRoute({
    method: 'get',
    path: '/notes/{id}',
    operationId: 'getNote',
    tags: ['notes'],
    summary: 'Read one note by id',
    request: { params: IdParam },
    responses: { 200: json(Note, 'The note'), 404: notFound },
  }),
  deleteNote: createRoute({
    method: 'delete',
    path: '/notes/{id}',
    operationId: 'deleteNote',
    tags: ['notes'],
    summary: 'Delete a note',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, 404: notFound },
  }),
};

type TaskT = z.infer<typeof Task>;
type NoteT = z.infer<typeof Note>;

const MAX_ITEMS = 10_000;

/** A fresh demo API with its own in-memory data (it resets when the process restarts). */
export function createDemoApi(): OpenAPIHono {
  const tasks = new Map<string, TaskT>();
  const notes = new Map<string, NoteT>();
  let seq = 0;
  const now = () => new Date().toISOString();
  const matches = (q: string | undefined, ...texts: (string | undefined)[]) =>
    !q || texts.some((t) => t?.toLowerCase().includes(q.toLowerCase()));

  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json({ error: describeIssues(result.error.issues) }, 400);
    },
  });
  const full = (c: { json: (b: unknown, s: 507) => Response }) =>
    c.json({ error: 'demo store is full' }, 507);

  app.openapi(routes.listTasks, (c) => {
    const { done, q, tag } = c.req.valid('query');
    const list = [...tasks.values()].filter(
      (t) =>
        (done === undefined || String(t.done) === done) &&
        matches(q, t.title, t.notes) &&
        (!tag || t.tags.includes(tag)),
    );
    return c.json(list, 200);
  });
  app.openapi(routes.createTask, (c) => {
    if (tasks.size >= MAX_ITEMS) return full(c) as never;
    const input = c.req.valid('json');
    const task: TaskT = { id: `t${++seq}`, done: false, tags: [], ...input, createdAt: now() };
    tasks.set(task.id, task);
    return c.json(task, 201);
  });
  app.openapi(routes.getTask, (c) => {
    const task = tasks.get(c.req.valid('param').id);
    return task ? c.json(task, 200) : c.json({ error: 'no such task' }, 404);
  });
  app.openapi(routes.updateTask, (c) => {
    const task = tasks.get(c.req.valid('param').id);
    if (!task) return c.json({ error: 'no such task' }, 404);
    Object.assign(task, c.req.valid('json'));
    return c.json(task, 200);
  });
  app.openapi(routes.deleteTask, (c) =>
    tasks.delete(c.req.valid('param').id) ? c.body(null, 204) : c.json({ error: 'no such task' }, 404),
  );
  app.openapi(routes.listNotes, (c) => {
    const { q } = c.req.valid('query');
    return c.json(
      [...notes.values()].filter((n) => matches(q, n.title, n.text)),
      200,
    );
  });
  app.openapi(routes.createNote, (c) => {
    if (notes.size >= MAX_ITEMS) return full(c) as never;
    const note: NoteT = { id: `n${++seq}`, ...c.req.valid('json'), createdAt: now() };
    notes.set(note.id, note);
    return c.json(note, 201);
  });
  app.openapi(routes.getNote, (c) => {
    const note = notes.get(c.req.valid('param').id);
    return note ? c.json(note, 200) : c.json({ error: 'no such note' }, 404);
  });
  app.openapi(routes.deleteNote, (c) =>
    notes.delete(c.req.valid('param').id) ? c.body(null, 204) : c.json({ error: 'no such note' }, 404),
  );
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  return app;
}

/** The demo API's OpenAPI document; `baseUrl` is where it is mounted. */
export function demoDocument(app: OpenAPIHono, baseUrl = '/demo'): unknown {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'duet demo: tasks and notes',
      version: '1.0.0',
      description: 'A small tasks and notes API bundled with duet, so search and execute work offline.',
    },
    servers: [{ url: baseUrl }],
  });
}
