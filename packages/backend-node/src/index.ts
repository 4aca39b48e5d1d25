export * from './node-backend.js';
export * from './node-backend-by-name.js';
