export default async function globalTeardown(): Promise<void> {
  // Stops the server globalSetup started and deletes its folder.
  await globalThis.notionCheckPostgres?.destroy();
}
