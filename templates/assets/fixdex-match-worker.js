/* The paste box's matcher, off the main thread: a slow paste can never freeze the page.
 *
 * fixdex-paste.js starts this worker (next to fixdex-match.js in assets/fixdex/) and
 * posts {id, text, top, indexUrl, siteRoot}; the worker fetches the match index and
 * the shards a text needs itself (no index crosses postMessage), matches, and posts
 * back {id, result} or {id, error}. Where Workers are unavailable, fixdex-paste.js
 * runs the same fixdexMatch.session on the page instead.
 */
/* global importScripts, fixdexMatch */
"use strict";
importScripts("fixdex-match.js");

var sessions = new Map();  /* index URL -> session */

self.onmessage = function (event) {
  var request = event.data || {};
  var session = sessions.get(request.indexUrl);
  if (!session) {
    session = fixdexMatch.session(request.indexUrl, request.siteRoot);
    sessions.set(request.indexUrl, session);
  }
  session.match(String(request.text || ""), request.top || 5).then(function (result) {
    self.postMessage({ id: request.id, result: result });
  }, function (error) {
    self.postMessage({ id: request.id, error: String((error && error.message) || error) });
  });
};
