/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation TransferKudos($input: TransferKudosInput!) {\n  transferKudos(input: $input) {\n    __typename\n    ... on TransferKudosPayload {\n      transferred\n      replayed\n      transfer {\n        id\n        amount\n        source {\n          id\n        }\n        destination {\n          id\n        }\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": typeof types.TransferKudosDocument,
    "mutation CreateImageRequest($input: CreateImageRequestInput!) {\n  createImageRequest(input: $input) {\n    __typename\n    ... on CreateImageRequestPayload {\n      kudos\n      warnings\n      request {\n        id\n        n\n        waiting\n        processing\n        finished\n        done\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nmutation SubmitImageJob($input: SubmitImageJobInput!) {\n  submitImageJob(input: $input) {\n    __typename\n    ... on SubmitImageJobPayload {\n      reward\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nquery ImageRequestStatus($id: ID!) {\n  imageRequest(id: $id) {\n    id\n    n\n    waiting\n    processing\n    finished\n    restarted\n    faulted\n    done\n    cancelled\n    expired\n    kudos\n    queuePosition\n    waitTime\n    isPossible\n    generations {\n      id\n      imageUrl\n      seed\n      model\n      workerId\n      workerName\n      censored\n      state\n    }\n  }\n}\n\nsubscription ImageRequestUpdated($id: ID!) {\n  imageRequestUpdated(id: $id) {\n    id\n    waiting\n    processing\n    finished\n    done\n    cancelled\n    generations {\n      id\n      imageUrl\n      state\n    }\n  }\n}": typeof types.CreateImageRequestDocument,
    "query Me {\n  me {\n    id\n    username\n    anonymous\n  }\n}\n\nmutation RegisterUser($username: String!) {\n  registerUser(input: {username: $username}) {\n    __typename\n    ... on RegisterUserPayload {\n      apiKey\n      user {\n        id\n        username\n        alias\n        kudos\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nquery User($id: ID!) {\n  user(id: $id) {\n    id\n    username\n  }\n}\n\nquery Users($first: Int, $after: String) {\n  users(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.MeDocument,
};
const documents: Documents = {
    "mutation TransferKudos($input: TransferKudosInput!) {\n  transferKudos(input: $input) {\n    __typename\n    ... on TransferKudosPayload {\n      transferred\n      replayed\n      transfer {\n        id\n        amount\n        source {\n          id\n        }\n        destination {\n          id\n        }\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}": types.TransferKudosDocument,
    "mutation CreateImageRequest($input: CreateImageRequestInput!) {\n  createImageRequest(input: $input) {\n    __typename\n    ... on CreateImageRequestPayload {\n      kudos\n      warnings\n      request {\n        id\n        n\n        waiting\n        processing\n        finished\n        done\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nmutation SubmitImageJob($input: SubmitImageJobInput!) {\n  submitImageJob(input: $input) {\n    __typename\n    ... on SubmitImageJobPayload {\n      reward\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nquery ImageRequestStatus($id: ID!) {\n  imageRequest(id: $id) {\n    id\n    n\n    waiting\n    processing\n    finished\n    restarted\n    faulted\n    done\n    cancelled\n    expired\n    kudos\n    queuePosition\n    waitTime\n    isPossible\n    generations {\n      id\n      imageUrl\n      seed\n      model\n      workerId\n      workerName\n      censored\n      state\n    }\n  }\n}\n\nsubscription ImageRequestUpdated($id: ID!) {\n  imageRequestUpdated(id: $id) {\n    id\n    waiting\n    processing\n    finished\n    done\n    cancelled\n    generations {\n      id\n      imageUrl\n      state\n    }\n  }\n}": types.CreateImageRequestDocument,
    "query Me {\n  me {\n    id\n    username\n    anonymous\n  }\n}\n\nmutation RegisterUser($username: String!) {\n  registerUser(input: {username: $username}) {\n    __typename\n    ... on RegisterUserPayload {\n      apiKey\n      user {\n        id\n        username\n        alias\n        kudos\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nquery User($id: ID!) {\n  user(id: $id) {\n    id\n    username\n  }\n}\n\nquery Users($first: Int, $after: String) {\n  users(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.MeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation TransferKudos($input: TransferKudosInput!) {\n  transferKudos(input: $input) {\n    __typename\n    ... on TransferKudosPayload {\n      transferred\n      replayed\n      transfer {\n        id\n        amount\n        source {\n          id\n        }\n        destination {\n          id\n        }\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"): (typeof documents)["mutation TransferKudos($input: TransferKudosInput!) {\n  transferKudos(input: $input) {\n    __typename\n    ... on TransferKudosPayload {\n      transferred\n      replayed\n      transfer {\n        id\n        amount\n        source {\n          id\n        }\n        destination {\n          id\n        }\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateImageRequest($input: CreateImageRequestInput!) {\n  createImageRequest(input: $input) {\n    __typename\n    ... on CreateImageRequestPayload {\n      kudos\n      warnings\n      request {\n        id\n        n\n        waiting\n        processing\n        finished\n        done\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nmutation SubmitImageJob($input: SubmitImageJobInput!) {\n  submitImageJob(input: $input) {\n    __typename\n    ... on SubmitImageJobPayload {\n      reward\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nquery ImageRequestStatus($id: ID!) {\n  imageRequest(id: $id) {\n    id\n    n\n    waiting\n    processing\n    finished\n    restarted\n    faulted\n    done\n    cancelled\n    expired\n    kudos\n    queuePosition\n    waitTime\n    isPossible\n    generations {\n      id\n      imageUrl\n      seed\n      model\n      workerId\n      workerName\n      censored\n      state\n    }\n  }\n}\n\nsubscription ImageRequestUpdated($id: ID!) {\n  imageRequestUpdated(id: $id) {\n    id\n    waiting\n    processing\n    finished\n    done\n    cancelled\n    generations {\n      id\n      imageUrl\n      state\n    }\n  }\n}"): (typeof documents)["mutation CreateImageRequest($input: CreateImageRequestInput!) {\n  createImageRequest(input: $input) {\n    __typename\n    ... on CreateImageRequestPayload {\n      kudos\n      warnings\n      request {\n        id\n        n\n        waiting\n        processing\n        finished\n        done\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nmutation SubmitImageJob($input: SubmitImageJobInput!) {\n  submitImageJob(input: $input) {\n    __typename\n    ... on SubmitImageJobPayload {\n      reward\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nquery ImageRequestStatus($id: ID!) {\n  imageRequest(id: $id) {\n    id\n    n\n    waiting\n    processing\n    finished\n    restarted\n    faulted\n    done\n    cancelled\n    expired\n    kudos\n    queuePosition\n    waitTime\n    isPossible\n    generations {\n      id\n      imageUrl\n      seed\n      model\n      workerId\n      workerName\n      censored\n      state\n    }\n  }\n}\n\nsubscription ImageRequestUpdated($id: ID!) {\n  imageRequestUpdated(id: $id) {\n    id\n    waiting\n    processing\n    finished\n    done\n    cancelled\n    generations {\n      id\n      imageUrl\n      state\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  me {\n    id\n    username\n    anonymous\n  }\n}\n\nmutation RegisterUser($username: String!) {\n  registerUser(input: {username: $username}) {\n    __typename\n    ... on RegisterUserPayload {\n      apiKey\n      user {\n        id\n        username\n        alias\n        kudos\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nquery User($id: ID!) {\n  user(id: $id) {\n    id\n    username\n  }\n}\n\nquery Users($first: Int, $after: String) {\n  users(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query Me {\n  me {\n    id\n    username\n    anonymous\n  }\n}\n\nmutation RegisterUser($username: String!) {\n  registerUser(input: {username: $username}) {\n    __typename\n    ... on RegisterUserPayload {\n      apiKey\n      user {\n        id\n        username\n        alias\n        kudos\n      }\n    }\n    ... on Error {\n      code\n      message\n    }\n  }\n}\n\nquery User($id: ID!) {\n  user(id: $id) {\n    id\n    username\n  }\n}\n\nquery Users($first: Int, $after: String) {\n  users(first: $first, after: $after) {\n    edges {\n      cursor\n      node {\n        id\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;