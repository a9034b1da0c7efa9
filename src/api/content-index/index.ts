/** The embedded content index endpoints (Elasticsearch's index and document APIs). */
import type { Endpoint } from '../endpoint.js';
import { bulkPost, bulkPut } from './bulk.js';
import { catIndices, catIndicesNamed } from './cat-indices.js';
import { createIndex } from './create.js';
import { deleteByQuery } from './delete-by-query.js';
import { deleteIndex } from './delete.js';
import { postCreate, putCreate } from './doc-create.js';
import { deleteDoc } from './doc-delete.js';
import { docExists, getDoc } from './doc-get.js';
import { postDoc, postDocWithId, putDoc } from './doc-index.js';
import { updateDoc } from './doc-update.js';
import { indexExists } from './exists.js';
import { getIndex } from './get.js';
import { getMapping, postMapping, putMapping } from './mapping.js';
import { closePit, openPit, pitSearchGet, pitSearchPost } from './pit.js';
import { refreshGet, refreshPost } from './refresh.js';
import { clearScroll, scrollGet, scrollPost } from './scroll.js';
import { countGet, countPost, searchGet, searchPost } from './search.js';

export const indexEndpoints: Endpoint[] = [
  createIndex, indexExists, getIndex, deleteIndex,
  getMapping, putMapping, postMapping,
  putDoc, postDocWithId, postDoc, putCreate, postCreate, getDoc, docExists, deleteDoc, updateDoc,
  bulkPost, bulkPut,
  searchGet, searchPost, countGet, countPost, scrollGet, scrollPost, clearScroll,
  deleteByQuery, refreshPost, refreshGet, catIndices, catIndicesNamed,
  openPit, closePit, pitSearchGet, pitSearchPost,
];
