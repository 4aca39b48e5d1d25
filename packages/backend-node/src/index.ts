export * from './node-backend.js';
