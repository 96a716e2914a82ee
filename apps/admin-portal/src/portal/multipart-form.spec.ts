import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '@wos/platform';
import { parseMultipart } from './multipart-form';

const TYPE = 'multipart/form-data; boundary=----b0undary';
const body = (...parts: string[]) => Buffer.from(`${parts.map((p) => `------b0undary\r\n${p}\r\n`).join('')}------b0undary--\r\n`);

test('text fields and a file field become strings (the file read as UTF-8 text)', async () => {
  const fields = await parseMultipart(TYPE, body(
    'Content-Disposition: form-data; name="csrf_token"\r\n\r\ntok',
    'Content-Disposition: form-data; name="metadata_file"; filename="idp.xml"\r\nContent-Type: text/xml\r\n\r\n<EntityDescriptor>é\r\n</EntityDescriptor>',
    'Content-Disposition: form-data; name="metadata_url"\r\n\r\n',
  ));
  assert.deepEqual(fields, { csrf_token: 'tok', metadata_file: '<EntityDescriptor>é\r\n</EntityDescriptor>', metadata_url: '' });
});

test('a quoted boundary is read', async () => {
  assert.deepEqual(await parseMultipart('multipart/form-data; boundary="----b0undary"', body('Content-Disposition: form-data; name="a"\r\n\r\n1')), { a: '1' });
});

test('refused: no boundary, a field twice, a part without a name, a body cut short, too many parts', async () => {
  const refused = (p: Promise<unknown>) => assert.rejects(p, (err) => err instanceof BadRequestError);
  await refused(parseMultipart('multipart/form-data', body()));
  await refused(parseMultipart(TYPE, body('Content-Disposition: form-data; name="a"\r\n\r\n1', 'Content-Disposition: form-data; name="a"\r\n\r\n2')));
  await refused(parseMultipart(TYPE, body('Content-Disposition: form-data\r\n\r\n1')));
  await refused(parseMultipart(TYPE, Buffer.from('------b0undary\r\nContent-Disposition: form-data; name="a"\r\n\r\n1')));
  await refused(parseMultipart(TYPE, body(...Array.from({ length: 40 }, (_, i) => `Content-Disposition: form-data; name="f${i}"\r\n\r\nx`))));
});
