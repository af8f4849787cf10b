// Generated from docs/openapi.json by scripts/openapi.ts (npm run openapi). Do not edit.

export type paths = {
    "/{*}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The web UI: a file of its build, or its page for any other path a browser asks for */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description a path of the UI, or of a file of its build */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description a file of the build (script, style sheet, image), or the UI page to a request that accepts text/html */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "*/*": unknown;
                        "text/html": string;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the web UI is not built: a page that says how to build it */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/html": string;
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Health, as the Langfuse SDKs ask for it */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "OK";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/ingestion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A batch of Langfuse v3 SDK events (trace-create, span/generation create and update, event-create, score-create, sdk-log)
         * @description Langfuse-compatible: answered 207 with one result per event; a malformed event is listed in errors (400) while the others are taken. Observations are written once they have ended (or after ingest.langfuseIdleMs without events); docs/migrate-from-langfuse.md.
         *
         *     Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        batch: {
                            body: {
                                [key: string]: unknown;
                            };
                            id: string;
                            timestamp: string;
                            type: string;
                        }[];
                        metadata?: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                207: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            errors: {
                                error: string;
                                id: string;
                                message: string;
                                status: number;
                            }[];
                            successes: {
                                id: string;
                                status: number;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/observations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Langfuse: observations, newest first
         * @description Langfuse's GET /api/public/observations. Spans from any path are observations (a generation is a GENERATION, any other span a SPAN unless a Langfuse SDK said otherwise); environment takes one value.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description one environment */
                    environment?: string | string[];
                    /** @description ISO 8601, inclusive */
                    fromStartTime?: string;
                    limit?: number;
                    name?: string;
                    page?: number;
                    parentObservationId?: string;
                    /** @description ISO 8601, exclusive */
                    toStartTime?: string;
                    traceId?: string;
                    /** @description GENERATION, SPAN, EVENT, ... */
                    type?: string;
                    userId?: string;
                    version?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                calculatedInputCost: number | null;
                                calculatedOutputCost: number | null;
                                calculatedTotalCost: number | null;
                                completionStartTime: string | null;
                                costDetails: {
                                    [key: string]: number;
                                };
                                endTime: string | null;
                                environment: string;
                                id: string;
                                input: unknown;
                                inputPrice: number | null;
                                /** @description seconds */
                                latency: number;
                                /** @enum {string} */
                                level: "DEBUG" | "DEFAULT" | "WARNING" | "ERROR";
                                metadata: unknown;
                                model: string | null;
                                modelId: string | null;
                                modelParameters: {
                                    [key: string]: unknown;
                                } | null;
                                name: string | null;
                                output: unknown;
                                outputPrice: number | null;
                                parentObservationId: string | null;
                                promptId: string | null;
                                promptName: string | null;
                                promptVersion: number | null;
                                /** @description ISO 8601, UTC */
                                startTime: string;
                                statusMessage: string | null;
                                /** @description seconds */
                                timeToFirstToken: number | null;
                                totalPrice: number | null;
                                traceId: string;
                                /** @description GENERATION, SPAN, EVENT, or the other Langfuse observation types */
                                type: string;
                                usage: {
                                    input: number;
                                    inputCost: number | null;
                                    output: number;
                                    outputCost: number | null;
                                    total: number;
                                    totalCost: number | null;
                                    /** @enum {string} */
                                    unit: "TOKENS";
                                };
                                usageDetails: {
                                    [key: string]: number;
                                };
                                version: string | null;
                            }[];
                            meta: {
                                limit: number;
                                page: number;
                                totalItems: number;
                                totalPages: number;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/observations/{observationId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Langfuse: one observation
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    observationId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            calculatedInputCost: number | null;
                            calculatedOutputCost: number | null;
                            calculatedTotalCost: number | null;
                            completionStartTime: string | null;
                            costDetails: {
                                [key: string]: number;
                            };
                            endTime: string | null;
                            environment: string;
                            id: string;
                            input: unknown;
                            inputPrice: number | null;
                            /** @description seconds */
                            latency: number;
                            /** @enum {string} */
                            level: "DEBUG" | "DEFAULT" | "WARNING" | "ERROR";
                            metadata: unknown;
                            model: string | null;
                            modelId: string | null;
                            modelParameters: {
                                [key: string]: unknown;
                            } | null;
                            name: string | null;
                            output: unknown;
                            outputPrice: number | null;
                            parentObservationId: string | null;
                            promptId: string | null;
                            promptName: string | null;
                            promptVersion: number | null;
                            /** @description ISO 8601, UTC */
                            startTime: string;
                            statusMessage: string | null;
                            /** @description seconds */
                            timeToFirstToken: number | null;
                            totalPrice: number | null;
                            traceId: string;
                            /** @description GENERATION, SPAN, EVENT, or the other Langfuse observation types */
                            type: string;
                            usage: {
                                input: number;
                                inputCost: number | null;
                                output: number;
                                outputCost: number | null;
                                total: number;
                                totalCost: number | null;
                                /** @enum {string} */
                                unit: "TOKENS";
                            };
                            usageDetails: {
                                [key: string]: number;
                            };
                            version: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/otel/v1/traces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export OTLP traces from the Langfuse SDKs (@langfuse/otel, Python langfuse>=3): the same as /v1/traces, with HTTP Basic auth
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description an OTLP ExportTraceServiceRequest: protobuf (application/x-protobuf) or OTLP/JSON (application/json, UTF-8); Content-Encoding gzip or none */
            requestBody: {
                content: {
                    "application/json": unknown;
                    "application/x-protobuf": unknown;
                };
            };
            responses: {
                /** @description ExportTraceServiceResponse; partialSuccess names the records refused, if any */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description set when some records were refused */
                            partialSuccess?: {
                                errorMessage: string;
                                /** @description int64, as a decimal string */
                                rejectedSpans: string;
                            };
                        };
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the body cannot be decoded as an export request */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description no key, or an unknown or revoked key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the key may not ingest */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the body, or the body once decompressed, is too large, or it has more records than ingest.maxBatchItems */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description a Content-Type other than protobuf or JSON, JSON not in UTF-8, or an unknown Content-Encoding */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the write queue is full: retry after Retry-After seconds */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the store cannot take the data now, or the server is stopping: retry after Retry-After seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/scores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Langfuse: scores, newest first
         * @description Langfuse's GET /api/public/v2/scores (and the older /api/public/scores), with the filters Lookout keeps: traceId, name, dataType and a time range.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    dataType?: "NUMERIC" | "BOOLEAN" | "CATEGORICAL";
                    /** @description ISO 8601, inclusive */
                    fromTimestamp?: string;
                    limit?: number;
                    name?: string;
                    page?: number;
                    /** @description ISO 8601, exclusive */
                    toTimestamp?: string;
                    traceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                authorUserId: string | null;
                                comment: string | null;
                                configId: null;
                                /** @description ISO 8601, UTC */
                                createdAt: string;
                                /** @enum {string} */
                                dataType: "NUMERIC" | "BOOLEAN" | "CATEGORICAL";
                                environment: string;
                                id: string;
                                metadata: unknown;
                                name: string;
                                observationId: string | null;
                                queueId: null;
                                /** @enum {string} */
                                source: "API" | "ANNOTATION" | "EVAL";
                                stringValue?: string;
                                /** @description ISO 8601, UTC */
                                timestamp: string;
                                traceId: string;
                                /** @description ISO 8601, UTC */
                                updatedAt: string;
                                value: number | null;
                            }[];
                            meta: {
                                limit: number;
                                page: number;
                                totalItems: number;
                                totalPages: number;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Langfuse: create a score of a trace or one of its observations
         * @description Langfuse's POST /api/public/scores. Stored like a native score (acknowledged once on disk); a score sent again with the same id is kept as first sent. Session and dataset-run scores are not supported.
         *
         *     Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        comment?: string | null;
                        configId?: string | null;
                        dataType?: ("NUMERIC" | "CATEGORICAL" | "BOOLEAN") | null;
                        environment?: string | null;
                        id?: string | null;
                        metadata?: unknown;
                        name: string;
                        observationId?: string | null;
                        sessionId?: string | null;
                        timestamp?: string | null;
                        traceId?: string | null;
                        value: number | string | boolean;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/traces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Langfuse: traces, newest first
         * @description Langfuse's GET /api/public/traces. A filter selects the traces with a span that meets it (name: the trace's root span); tags and environment take one value; orderBy only timestamp.desc.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description one environment */
                    environment?: string | string[];
                    /** @description accepted and ignored: every field is always included */
                    fields?: string;
                    /** @description ISO 8601; traces with a span starting at or after it */
                    fromTimestamp?: string;
                    limit?: number;
                    name?: string;
                    /** @description only timestamp.desc (the default): newest first */
                    orderBy?: string;
                    page?: number;
                    release?: string;
                    sessionId?: string;
                    /** @description one tag */
                    tags?: string | string[];
                    /** @description ISO 8601; traces with a span starting before it */
                    toTimestamp?: string;
                    userId?: string;
                    version?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                environment: string;
                                /** @description the trace's page in Lookout's web UI */
                                htmlPath: string;
                                /** @description the id the trace was sent with (a Langfuse id), else its Lookout trace id */
                                id: string;
                                input: unknown;
                                /** @description seconds, first start to last end */
                                latency: number;
                                metadata: unknown;
                                name: string | null;
                                /** @description observation ids */
                                observations: string[];
                                output: unknown;
                                public: boolean;
                                release: string | null;
                                /** @description score ids */
                                scores: string[];
                                sessionId: string | null;
                                tags: string[];
                                /** @description ISO 8601, UTC */
                                timestamp: string;
                                /** @description USD, the sum of the known costs of its observations */
                                totalCost: number;
                                userId: string | null;
                                version: string | null;
                            }[];
                            meta: {
                                limit: number;
                                page: number;
                                totalItems: number;
                                totalPages: number;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/traces/{traceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Langfuse: one trace with its observations and scores
         * @description Langfuse's GET /api/public/traces/{traceId}: the id it was sent with, or a Lookout trace id. At most 10000 observations and scores, the first by time.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    traceId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            environment: string;
                            /** @description the trace's page in Lookout's web UI */
                            htmlPath: string;
                            /** @description the id the trace was sent with (a Langfuse id), else its Lookout trace id */
                            id: string;
                            input: unknown;
                            /** @description seconds, first start to last end */
                            latency: number;
                            metadata: unknown;
                            name: string | null;
                            observations: {
                                calculatedInputCost: number | null;
                                calculatedOutputCost: number | null;
                                calculatedTotalCost: number | null;
                                completionStartTime: string | null;
                                costDetails: {
                                    [key: string]: number;
                                };
                                endTime: string | null;
                                environment: string;
                                id: string;
                                input: unknown;
                                inputPrice: number | null;
                                /** @description seconds */
                                latency: number;
                                /** @enum {string} */
                                level: "DEBUG" | "DEFAULT" | "WARNING" | "ERROR";
                                metadata: unknown;
                                model: string | null;
                                modelId: string | null;
                                modelParameters: {
                                    [key: string]: unknown;
                                } | null;
                                name: string | null;
                                output: unknown;
                                outputPrice: number | null;
                                parentObservationId: string | null;
                                promptId: string | null;
                                promptName: string | null;
                                promptVersion: number | null;
                                /** @description ISO 8601, UTC */
                                startTime: string;
                                statusMessage: string | null;
                                /** @description seconds */
                                timeToFirstToken: number | null;
                                totalPrice: number | null;
                                traceId: string;
                                /** @description GENERATION, SPAN, EVENT, or the other Langfuse observation types */
                                type: string;
                                usage: {
                                    input: number;
                                    inputCost: number | null;
                                    output: number;
                                    outputCost: number | null;
                                    total: number;
                                    totalCost: number | null;
                                    /** @enum {string} */
                                    unit: "TOKENS";
                                };
                                usageDetails: {
                                    [key: string]: number;
                                };
                                version: string | null;
                            }[];
                            output: unknown;
                            public: boolean;
                            release: string | null;
                            scores: {
                                authorUserId: string | null;
                                comment: string | null;
                                configId: null;
                                /** @description ISO 8601, UTC */
                                createdAt: string;
                                /** @enum {string} */
                                dataType: "NUMERIC" | "BOOLEAN" | "CATEGORICAL";
                                environment: string;
                                id: string;
                                metadata: unknown;
                                name: string;
                                observationId: string | null;
                                queueId: null;
                                /** @enum {string} */
                                source: "API" | "ANNOTATION" | "EVAL";
                                stringValue?: string;
                                /** @description ISO 8601, UTC */
                                timestamp: string;
                                traceId: string;
                                /** @description ISO 8601, UTC */
                                updatedAt: string;
                                value: number | null;
                            }[];
                            sessionId: string | null;
                            tags: string[];
                            /** @description ISO 8601, UTC */
                            timestamp: string;
                            /** @description USD, the sum of the known costs of its observations */
                            totalCost: number;
                            userId: string | null;
                            version: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/public/v2/scores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Langfuse: scores, newest first
         * @description Langfuse's GET /api/public/v2/scores (and the older /api/public/scores), with the filters Lookout keeps: traceId, name, dataType and a time range.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    dataType?: "NUMERIC" | "BOOLEAN" | "CATEGORICAL";
                    /** @description ISO 8601, inclusive */
                    fromTimestamp?: string;
                    limit?: number;
                    name?: string;
                    page?: number;
                    /** @description ISO 8601, exclusive */
                    toTimestamp?: string;
                    traceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                authorUserId: string | null;
                                comment: string | null;
                                configId: null;
                                /** @description ISO 8601, UTC */
                                createdAt: string;
                                /** @enum {string} */
                                dataType: "NUMERIC" | "BOOLEAN" | "CATEGORICAL";
                                environment: string;
                                id: string;
                                metadata: unknown;
                                name: string;
                                observationId: string | null;
                                queueId: null;
                                /** @enum {string} */
                                source: "API" | "ANNOTATION" | "EVAL";
                                stringValue?: string;
                                /** @description ISO 8601, UTC */
                                timestamp: string;
                                traceId: string;
                                /** @description ISO 8601, UTC */
                                updatedAt: string;
                                value: number | null;
                            }[];
                            meta: {
                                limit: number;
                                page: number;
                                totalItems: number;
                                totalPages: number;
                            };
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Automated responses: the active activations, the recent history and the configured actions
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description history entries at most (default 100) */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            active: components["schemas"]["Activation"][];
                            configured: components["schemas"]["ConfiguredAction"][];
                            /** @description newest first */
                            history: components["schemas"]["Activation"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/actions/{id}/revert": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revert an active automated response; it stays reverted until its alert resolves and fires again
         * @description Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            activation: components["schemas"]["Activation"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/backup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Back up the running DuckDB install into a new directory under <data dir>/backups (operator only)
         * @description Instance operator only: an admin key of the default project, a person with the admin role in it, or no key on a loopback-bound server.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            createdAt: string;
                            /** @description the directory written, on the server */
                            dir: string;
                            /** @description what was copied from the data directory besides the database */
                            files: string[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Alerts of the project, pending and firing by default
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description pending, firing, resolved (comma-separated) or all; default pending,firing */
                    state?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            alerts: components["schemas"]["Alert"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Notifications sent, newest first, with attempts and the receiver's answer
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description deliveries, at most 1000; default 100 */
                    limit?: number;
                    /** @description only those sent to this receiver */
                    receiver?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deliveries: components["schemas"]["Delivery"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * State changes of alerts, newest first
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description events, at most 5000 (all the server keeps); default 100 */
                    limit?: number;
                    /** @description only the alerts of this rule id */
                    rule?: string;
                    /** @description from this time (inclusive), or a duration back from now such as 24h */
                    since?: string;
                    /** @description before this time (exclusive), or a duration back from now */
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            events: components["schemas"]["AlertEvent"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's rules (default pack, rule files, API) with their health, and the rule files' errors
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            loadErrors: {
                                column: number | null;
                                line: number | null;
                                message: string;
                                path: string;
                                source: string;
                                /** @description the error as one line: file:line:column path: message */
                                text: string;
                            }[];
                            rules: components["schemas"]["RuleView"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a rule
         * @description Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RuleDefinitionInput"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rule: components["schemas"]["Rule"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create or replace the rule with this id
         * @description Needs an admin key, or a person with the admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RuleDefinitionInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            rule: components["schemas"]["Rule"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Delete a rule made through the API
         * @description Needs an admin key, or a person with the admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Turn a rule (of any source) on or off for the project
         * @description Needs an admin key, or a person with the admin role.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        enabled: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RuleView"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/alerts/silences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Silences of the project, active and pending
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description true: expired silences too */
                    expired?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            silences: components["schemas"]["ListedSilence"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Silence the alerts whose labels match every matcher, for a while
         * @description Needs an admin key, or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SilenceDefinitionInput"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            silence: components["schemas"]["Silence"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/silences/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Expire a silence now
         * @description Needs an admin key, or a person with the member or admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            silence: components["schemas"]["Silence"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/alerts/test-rule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Evaluate a rule against the data now, without creating alerts: what would fire, per group
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RuleDefinitionInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            groups: {
                                active: boolean;
                                labels: {
                                    [key: string]: string;
                                };
                                value: number | null;
                            }[];
                            noData: boolean;
                            rule: components["schemas"]["Rule"];
                            wouldFire: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/daily": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cost, calls and tokens per UTC day
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to` */
                    from?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description every UTC day of the range; days without traffic have zeros */
                            days: components["schemas"]["DailyTrendRow"][];
                            /** @description inclusive, milliseconds since the Unix epoch, UTC */
                            fromMs: number;
                            /** @description how the part of the range past the spans' retention was answered; absent or null: the range is within it */
                            retention?: components["schemas"]["RetentionNote"] | null;
                            /** @description exclusive */
                            toMs: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/forecast": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spend projected to the end of the month, the next 7 days and the year
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description complete days before today the fit uses (default 30, at most 366) */
                    lookbackDays?: string;
                    /** @description the instant to forecast from (default: now) */
                    now?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CostForecast"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/latency-distribution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How many model calls took how long, in fixed duration bands
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to` */
                    from?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description model calls counted in fixed duration bands */
                            bands: components["schemas"]["LatencyBand"][];
                            /** @description inclusive, milliseconds since the Unix epoch, UTC */
                            fromMs: number;
                            /** @description how the part of the range past the spans' retention was answered; absent or null: the range is within it */
                            retention?: components["schemas"]["RetentionNote"] | null;
                            /** @description exclusive */
                            toMs: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/model-efficiency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cost, tokens and latency per model
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to` */
                    from?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description inclusive, milliseconds since the Unix epoch, UTC */
                            fromMs: number;
                            models: components["schemas"]["ModelEfficiencyRow"][];
                            /** @description how the part of the range past the spans' retention was answered; absent or null: the range is within it */
                            retention?: components["schemas"]["RetentionNote"] | null;
                            /** @description exclusive */
                            toMs: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/query": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Measures grouped by dimensions and filtered, over a time range, optionally bucketed in time
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description bucket the rows in time */
                    bucket?: "minute" | "hour" | "day" | "week" | "month";
                    /** @description <dimension>:<value>[,<value>...], repeated for several filters; e.g. 'team:core', 'model:gpt-4o,gpt-4o-mini' */
                    filter?: string | string[];
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to` */
                    from?: string;
                    /** @description dimensions to group by, at most 4: model, provider, user, session, feature, team, department, application, environment, kind, status, error_class, finish_reason, tag, prompt, prompt_version, variant or metadata.<key> */
                    groupBy?: string | string[];
                    /** @description rows at most (default 1000), at most 10000 */
                    limit?: string;
                    /** @description measures to compute, comma-separated or repeated (required): cost, unknown_cost_requests, requests, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, audio_tokens, total_tokens, tokens_per_request, input_output_ratio, cache_hit_rate, cache_savings, context_window_use_p50, context_window_use_p95, near_context_limit, latency_avg, latency_p50, latency_p95, latency_p99, ttft_p50, ttft_p95, ttft_p99, tokens_per_second_p50, tokens_per_second_p95, time_per_output_token_p50, time_per_output_token_p95, errors, error_rate, cost_per_request, tokens_per_dollar, usd_per_mtok, score_avg, score_count, refusals, refusal_rate, app_cache_lookups, app_cache_hits, app_cache_misses, app_cache_hit_rate */
                    measures?: string | string[];
                    /** @description <measure>[:asc|:desc], one of the requested measures; default descending */
                    orderBy?: string;
                    /** @description narrows score_avg and score_count to one score name */
                    scoreName?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnalyticsResult"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/analytics/top-spenders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The values of one dimension that spent the most
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description the dimension (default user) */
                    by?: string;
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to` */
                    from?: string;
                    /** @description rows (default 10), at most 10000 */
                    limit?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description the dimension */
                            by: string;
                            /** @description inclusive, milliseconds since the Unix epoch, UTC */
                            fromMs: number;
                            /** @description how the part of the range past the spans' retention was answered; absent or null: the range is within it */
                            retention?: components["schemas"]["RetentionNote"] | null;
                            rows: components["schemas"]["TopSpenderRow"][];
                            /** @description exclusive */
                            toMs: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log: who changed what, when and from where, newest first (project admins; the operator may read any project, or all)
         * @description Entries of the range [from, to), filtered by actor and action, a page at a time: pass `next` as `before` for the following page. See docs/audit.md.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        get: {
            parameters: {
                query?: {
                    /** @description an action, or a prefix ending in '.' ('budgets.') */
                    action?: string;
                    /** @description a user id, key id or email: that caller's entries only */
                    actor?: string;
                    /** @description the page after the one that gave this value as `next` */
                    before?: string;
                    /** @description start (inclusive): an instant or a duration back from now ('7d'); default: 30 days before `to`; the range spans at most 400 days */
                    from?: string;
                    /** @description entries per page, at most 1000 (default 100) */
                    limit?: number;
                    /** @description another project's entries, or '*' for every project (the instance operator); default: the caller's project */
                    project?: string;
                    /** @description end (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description newest first */
                            entries: components["schemas"]["AuditEntry"][];
                            from: string;
                            /** @description pass as `before` for the next (older) page; null on the last page */
                            next: string | null;
                            to: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log as JSONL, one entry per line, newest first (recorded as audit.export)
         * @description Same filters as GET /api/v1/audit. At most 100000 entries: a longer export ends with a line {"truncated": true, "before": <cursor>} — export again with that `before` for the rest.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        get: {
            parameters: {
                query?: {
                    /** @description an action, or a prefix ending in '.' ('budgets.') */
                    action?: string;
                    /** @description a user id, key id or email: that caller's entries only */
                    actor?: string;
                    /** @description go on from where a truncated export stopped: the `before` of its last line */
                    before?: string;
                    /** @description start (inclusive): an instant or a duration back from now ('7d'); default: 30 days before `to`; the range spans at most 400 days */
                    from?: string;
                    /** @description entries at most (default and maximum 100000) */
                    limit?: number;
                    /** @description another project's entries, or '*' for every project (the instance operator); default: the caller's project */
                    project?: string;
                    /** @description end (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the entries, streamed; Content-Disposition names the file */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/x-ndjson": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's budgets, each with its statuses, and the tier settings
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            budgets: {
                                /** @description ISO-8601 */
                                createdAt: string;
                                /** @description who created it: a user id or an API key id; null for the operator without a key, budgets made before this was recorded, and tier budgets. A member may change only the budgets they created */
                                createdBy: string | null;
                                /**
                                 * @description hard: the gateway refuses calls with 429 once the budget is spent
                                 * @enum {string}
                                 */
                                enforce: "soft" | "hard";
                                id: string;
                                /** @description US dollars */
                                limitUsd: number;
                                name: string | null;
                                /** @enum {string} */
                                period: "daily" | "monthly";
                                projectId: string;
                                /** @enum {string} */
                                scope: "project" | "team" | "department" | "user";
                                /**
                                 * @description last set by a member, not an admin: budget and forecast alert rules (and the actions they trigger) do not see it
                                 * @enum {boolean}
                                 */
                                setByMember?: true;
                                statuses: components["schemas"]["BudgetStatusEntry"][];
                                /** @description team, department or user id; null for a project budget; '*' for each user */
                                subject: string | null;
                                /**
                                 * @description set on the budgets a tier gives (id `tier:<name>`)
                                 * @enum {string}
                                 */
                                tier?: "free" | "pro" | "enterprise";
                                updatedAt: string;
                                /** @description ascending, unique */
                                warnAtPercent: number[];
                            }[];
                            tiers: components["schemas"]["TierSettings"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a budget
         * @description Needs an admin key, or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["BudgetDefinitionInput"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            budget: components["schemas"]["Budget"];
                            statuses: components["schemas"]["BudgetStatusEntry"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One budget with its statuses
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            budget: components["schemas"]["Budget"];
                            statuses: components["schemas"]["BudgetStatusEntry"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Replace a budget (its id is the one in the path); a member only one they created
         * @description Needs an admin key, or a person with the member or admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["BudgetDefinitionInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            budget: components["schemas"]["Budget"];
                            statuses: components["schemas"]["BudgetStatusEntry"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Delete a budget; a member only one they created
         * @description Needs an admin key, or a person with the member or admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deleted: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The budgets that apply to a caller, and whether a spent hard budget blocks it (any key of the project)
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description the caller's department, when not the user's last one */
                    department?: string;
                    /** @description the caller's team, when not the user's last one */
                    team?: string;
                    /** @description the caller; its team and department are those of its last call unless given */
                    user?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BudgetCheck"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statuses of every budget, tier budgets included (one per user for each-user and tier budgets), filtered
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description a budget id */
                    budget?: string;
                    period?: "daily" | "monthly";
                    scope?: "project" | "team" | "department" | "user";
                    /** @description the team, department or user measured */
                    subject?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            statuses: components["schemas"]["BudgetStatus"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/tiers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The tier settings and the users assigned a tier
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            assignments: {
                                /** @enum {string} */
                                tier: "free" | "pro" | "enterprise";
                                user: string;
                            }[];
                            settings: components["schemas"]["TierSettings"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Change the tier limits, the default tier, enforcement or warning levels (fields left out stay as they are)
         * @description Needs an admin key, or a person with the admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TierSettingsChangeInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            settings: components["schemas"]["TierSettings"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/budgets/tiers/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user's tier: assigned, or the default tier
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description false: the default tier, not an assignment */
                            assigned: boolean;
                            tier: ("free" | "pro" | "enterprise") | null;
                            user: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Assign a tier to a user
         * @description Needs an admin key, or a person with the admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        tier: "free" | "pro" | "enterprise";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            previous: ("free" | "pro" | "enterprise") | null;
                            tier: ("free" | "pro" | "enterprise") | null;
                            user: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove a user's tier assignment
         * @description Needs an admin key, or a person with the admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    user: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            previous: ("free" | "pro" | "enterprise") | null;
                            tier: ("free" | "pro" | "enterprise") | null;
                            user: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chargeback/costs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The other costs (storage, vector database, compute) billed in chargeback
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChargebackOtherCosts"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Adds an other cost: a fixed monthly amount, or a unit price times a quantity, billed to a department, team, application or feature
         * @description At most 1000 per project. Amounts are decimal text of US dollars.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description whom the cost is billed to */
                        assignTo: {
                            /** @enum {string} */
                            dimension: "department" | "team" | "application" | "feature";
                            value: string;
                        };
                        /** @enum {string} */
                        category: "embedding_storage" | "vector_db" | "compute" | "other";
                        /** @description the first month billed, YYYY-MM */
                        fromMonth: string;
                        name: string;
                        pricing: {
                            /** @description US dollars a month, as decimal text */
                            monthlyUsd: string;
                            /** @enum {string} */
                            type: "fixed";
                        } | {
                            /** @description units a month (requests for per_1k_requests), counted to 0.001 */
                            quantity: number;
                            /** @enum {string} */
                            type: "per_unit";
                            /** @enum {string} */
                            unit: "per_1k_requests" | "per_gb_month" | "per_hour";
                            /** @description US dollars per unit (per 1,000 requests for per_1k_requests), as decimal text */
                            unitPriceUsd: string;
                        };
                        /** @description the last month billed, YYYY-MM; absent or null: every month from fromMonth on */
                        toMonth?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChargebackOtherCost"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chargeback/costs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Replaces an other cost
         * @description Needs an admin key, or a person with the admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description whom the cost is billed to */
                        assignTo: {
                            /** @enum {string} */
                            dimension: "department" | "team" | "application" | "feature";
                            value: string;
                        };
                        /** @enum {string} */
                        category: "embedding_storage" | "vector_db" | "compute" | "other";
                        /** @description the first month billed, YYYY-MM */
                        fromMonth: string;
                        name: string;
                        pricing: {
                            /** @description US dollars a month, as decimal text */
                            monthlyUsd: string;
                            /** @enum {string} */
                            type: "fixed";
                        } | {
                            /** @description units a month (requests for per_1k_requests), counted to 0.001 */
                            quantity: number;
                            /** @enum {string} */
                            type: "per_unit";
                            /** @enum {string} */
                            unit: "per_1k_requests" | "per_gb_month" | "per_hour";
                            /** @description US dollars per unit (per 1,000 requests for per_1k_requests), as decimal text */
                            unitPriceUsd: string;
                        };
                        /** @description the last month billed, YYYY-MM; absent or null: every month from fromMonth on */
                        toMonth?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChargebackOtherCost"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Deletes an other cost
         * @description Needs an admin key, or a person with the admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deleted: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/chargeback/markup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The markup tiers, which groups are in which tier, and the default tier
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChargebackMarkup"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Sets the markup tiers and their assignments (the whole set)
         * @description A group is billed its calls' cost plus markupPct percent of it; a feature's assignment wins over its application's, team's and department's, then the default tier. Tier names are unique and each (dimension, value) is assigned once.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ChargebackMarkupInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChargebackMarkup"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/erasure": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's erasures, newest first (the audit log)
         * @description Needs an admin key, or a person with the admin role.
         */
        get: {
            parameters: {
                query?: {
                    /** @description another project's id (operator only); default: the key's own */
                    project?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description whether this store can erase records */
                            available: boolean;
                            erasures: components["schemas"]["ErasureJob"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Erase a user's, a session's or a trace's records (runs in the background; poll GET /api/v1/erasure/{id})
         * @description Everything of the traces named is deleted from the store, and the in-memory figures (rollups, budget spend, the judge's queue, the gateway's response cache) are rebuilt without them. Records acknowledged before the request are covered. The job record keeps a keyed hash of the id, never the id itself. See docs/data-lifecycle.md#erasure.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: {
                    /** @description another project's id (operator only); default: the key's own */
                    project?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description erase every trace of this session, and its other scores and logs */
                        sessionId?: string;
                        /** @description erase this trace: 32 lowercase hex characters */
                        traceId?: string;
                        /** @description erase every trace in which a span or score carries this user id, and its other scores and logs */
                        userId?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @enum {string} */
                            status: "running" | "done" | "failed";
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/erasure/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One erasure: its status and, once done, what it deleted
         * @description Needs an admin key, or a person with the admin role.
         */
        get: {
            parameters: {
                query?: {
                    /** @description another project's id (operator only); default: the key's own */
                    project?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ErasureJob"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/evaluators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's evaluators: its own and those of the config file
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            evaluators: components["schemas"]["Evaluator"][];
                            /** @description how many evaluators a project may have, config file included */
                            maxEvaluators: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Adds an evaluator; it applies to what the project receives from now on
         * @description Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description heuristic: empty_output, refusal, invalid_json, json_schema, length, regex, language, latency_slo, cost_slo; llm_judge: correctness, relevance, helpfulness, safety, faithfulness, reference_correctness, custom */
                        criterion: string;
                        /** @description default true */
                        enabled?: boolean;
                        /** @description only the calls that match every field given */
                        filter?: {
                            /** @description only calls of this application */
                            application?: string;
                            /** @description only calls of this feature */
                            feature?: string;
                            /** @description only calls of this model (requested or answered) */
                            model?: string;
                        };
                        /** @description llm_judge settings: endpoint, model, key and template overrides */
                        judge?: {
                            /** @description overrides LOOKOUT_JUDGE_API_KEY; write-only (never returned). On PUT, absent keeps the stored key and null removes it. */
                            apiKey?: string | null;
                            /** @description overrides LOOKOUT_JUDGE_BASE_URL: an OpenAI-compatible API (…/v1) */
                            baseUrl?: string;
                            /** @description overrides LOOKOUT_JUDGE_MODEL */
                            model?: string;
                            /** @description required for criterion custom; otherwise replaces the shipped template */
                            template?: {
                                system: string;
                                /** @description the judge's question; placeholders: {{input}} {{output}} {{documents}} {{reference}} {{criterion}} ({{output}} is required) */
                                user: string;
                                /** @description written in each score it produces, so a changed template is told apart */
                                version: string;
                            };
                        } | null;
                        /** @enum {string} */
                        kind: "heuristic" | "llm_judge";
                        /** @description the name of the scores it writes; unique within the project */
                        name: string;
                        /** @description heuristic settings; each criterion reads only its own */
                        params?: {
                            /** @description language: the expected language (ISO 639-1); absent = the input's language */
                            language?: string;
                            /** @description length: the output has at most this many characters */
                            maxChars?: number;
                            /** @description cost_slo: the dearest acceptable call, in USD */
                            maxCostUsd?: number;
                            /** @description latency_slo: the slowest acceptable call */
                            maxLatencyMs?: number;
                            /** @description length: the output has at least this many characters */
                            minChars?: number;
                            /** @description regex: true (the default) = the output must match, false = must not match */
                            mustMatch?: boolean;
                            /** @description regex: an RE2 expression (linear time: no backreferences or lookaround), at most 500 characters */
                            pattern?: string;
                            /** @description json_schema: the JSON Schema (draft-07) the output must conform to, at most 32768 characters as JSON */
                            schema?: unknown;
                        };
                        /** @description share of traces evaluated, chosen by a hash of the trace id; default 0.01 for llm_judge, 1 for heuristic */
                        sampleRate?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Evaluator"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/evaluators/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One evaluator
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Evaluator"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Replaces an evaluator's definition (the judge's API key is kept unless judge.apiKey is given, or null to remove it)
         * @description Needs an admin key, or a person with the admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description heuristic: empty_output, refusal, invalid_json, json_schema, length, regex, language, latency_slo, cost_slo; llm_judge: correctness, relevance, helpfulness, safety, faithfulness, reference_correctness, custom */
                        criterion: string;
                        /** @description default true */
                        enabled?: boolean;
                        /** @description only the calls that match every field given */
                        filter?: {
                            /** @description only calls of this application */
                            application?: string;
                            /** @description only calls of this feature */
                            feature?: string;
                            /** @description only calls of this model (requested or answered) */
                            model?: string;
                        };
                        /** @description llm_judge settings: endpoint, model, key and template overrides */
                        judge?: {
                            /** @description overrides LOOKOUT_JUDGE_API_KEY; write-only (never returned). On PUT, absent keeps the stored key and null removes it. */
                            apiKey?: string | null;
                            /** @description overrides LOOKOUT_JUDGE_BASE_URL: an OpenAI-compatible API (…/v1) */
                            baseUrl?: string;
                            /** @description overrides LOOKOUT_JUDGE_MODEL */
                            model?: string;
                            /** @description required for criterion custom; otherwise replaces the shipped template */
                            template?: {
                                system: string;
                                /** @description the judge's question; placeholders: {{input}} {{output}} {{documents}} {{reference}} {{criterion}} ({{output}} is required) */
                                user: string;
                                /** @description written in each score it produces, so a changed template is told apart */
                                version: string;
                            };
                        } | null;
                        /** @enum {string} */
                        kind: "heuristic" | "llm_judge";
                        /** @description the name of the scores it writes; unique within the project */
                        name: string;
                        /** @description heuristic settings; each criterion reads only its own */
                        params?: {
                            /** @description language: the expected language (ISO 639-1); absent = the input's language */
                            language?: string;
                            /** @description length: the output has at most this many characters */
                            maxChars?: number;
                            /** @description cost_slo: the dearest acceptable call, in USD */
                            maxCostUsd?: number;
                            /** @description latency_slo: the slowest acceptable call */
                            maxLatencyMs?: number;
                            /** @description length: the output has at least this many characters */
                            minChars?: number;
                            /** @description regex: true (the default) = the output must match, false = must not match */
                            mustMatch?: boolean;
                            /** @description regex: an RE2 expression (linear time: no backreferences or lookaround), at most 500 characters */
                            pattern?: string;
                            /** @description json_schema: the JSON Schema (draft-07) the output must conform to, at most 32768 characters as JSON */
                            schema?: unknown;
                        };
                        /** @description share of traces evaluated, chosen by a hash of the trace id; default 0.01 for llm_judge, 1 for heuristic */
                        sampleRate?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Evaluator"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Removes an evaluator; the scores it wrote stay
         * @description Needs an admin key, or a person with the admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Evaluator"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/evaluators/{id}/try": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What an evaluator would score on a stored trace
         * @description Heuristics run on each generation call of the trace (sampling aside; calls its filter leaves out are not_applicable); an llm_judge evaluator asks the judge now (one call, at its cost). Nothing is recorded.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        traceId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            traceId: string;
                            /** @description heuristics: one per generation call of the trace; llm_judge: one for the trace */
                            trials: components["schemas"]["EvaluationTrial"][];
                            /** @description the trace has more generation calls than were tried */
                            truncated: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/evaluators/try": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What a definition not saved yet would score on a stored trace
         * @description Heuristics run on each generation call of the trace (sampling aside; calls its filter leaves out are not_applicable); an llm_judge evaluator asks the judge now (one call, at its cost). Nothing is recorded.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a definition as POST /api/v1/evaluators takes it (not saved) */
                        evaluator: {
                            /** @description heuristic: empty_output, refusal, invalid_json, json_schema, length, regex, language, latency_slo, cost_slo; llm_judge: correctness, relevance, helpfulness, safety, faithfulness, reference_correctness, custom */
                            criterion: string;
                            /** @description default true */
                            enabled?: boolean;
                            /** @description only the calls that match every field given */
                            filter?: {
                                /** @description only calls of this application */
                                application?: string;
                                /** @description only calls of this feature */
                                feature?: string;
                                /** @description only calls of this model (requested or answered) */
                                model?: string;
                            };
                            /** @description llm_judge settings: endpoint, model, key and template overrides */
                            judge?: {
                                /** @description overrides LOOKOUT_JUDGE_API_KEY; write-only (never returned). On PUT, absent keeps the stored key and null removes it. */
                                apiKey?: string | null;
                                /** @description overrides LOOKOUT_JUDGE_BASE_URL: an OpenAI-compatible API (…/v1) */
                                baseUrl?: string;
                                /** @description overrides LOOKOUT_JUDGE_MODEL */
                                model?: string;
                                /** @description required for criterion custom; otherwise replaces the shipped template */
                                template?: {
                                    system: string;
                                    /** @description the judge's question; placeholders: {{input}} {{output}} {{documents}} {{reference}} {{criterion}} ({{output}} is required) */
                                    user: string;
                                    /** @description written in each score it produces, so a changed template is told apart */
                                    version: string;
                                };
                            } | null;
                            /** @enum {string} */
                            kind: "heuristic" | "llm_judge";
                            /** @description the name of the scores it writes; unique within the project */
                            name: string;
                            /** @description heuristic settings; each criterion reads only its own */
                            params?: {
                                /** @description language: the expected language (ISO 639-1); absent = the input's language */
                                language?: string;
                                /** @description length: the output has at most this many characters */
                                maxChars?: number;
                                /** @description cost_slo: the dearest acceptable call, in USD */
                                maxCostUsd?: number;
                                /** @description latency_slo: the slowest acceptable call */
                                maxLatencyMs?: number;
                                /** @description length: the output has at least this many characters */
                                minChars?: number;
                                /** @description regex: true (the default) = the output must match, false = must not match */
                                mustMatch?: boolean;
                                /** @description regex: an RE2 expression (linear time: no backreferences or lookaround), at most 500 characters */
                                pattern?: string;
                                /** @description json_schema: the JSON Schema (draft-07) the output must conform to, at most 32768 characters as JSON */
                                schema?: unknown;
                            };
                            /** @description share of traces evaluated, chosen by a hash of the trace id; default 0.01 for llm_judge, 1 for heuristic */
                            sampleRate?: number;
                        };
                        traceId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            traceId: string;
                            /** @description heuristics: one per generation call of the trace; llm_judge: one for the trace */
                            trials: components["schemas"]["EvaluationTrial"][];
                            /** @description the trace has more generation calls than were tried */
                            truncated: boolean;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/experiments/compare": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Groups of a feature's calls (prompt versions, variants, models) side by side, with 95% intervals and significance tests against the baseline
         * @description Per group: calls, cost and tokens per call, latency p50 and p95, error rate and each score name's mean, each with its 95% interval; against the baseline, each metric's test, p-value (Holm-adjusted over the table) and verdict, a warning where a figure rests on too few calls, and the trace-list filter of the calls behind it. The tests: docs/prompts.md#comparing-versions-the-statistics.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query: {
                    /** @description the group the others are tested against; default: the first of values, else the group whose first call in the range came first */
                    baseline?: string;
                    /** @description the dimension whose values are the groups: model, provider, feature, team, department, application, environment, prompt, prompt_version, variant or metadata.<key> */
                    by: string;
                    /** @description only the calls of this feature */
                    feature?: string;
                    /** @description start of the range (inclusive): an instant or a duration back from now ('7d'); default: 7 days before `to`; at most 92 days */
                    from?: string;
                    /** @description score names whose higher values are better, comma-separated or repeated, at most 50. The scores of Lookout's evaluators are higher-is-better unless named in lowerIsBetter; any other score's significant difference reads higher or lower, not better or worse */
                    higherIsBetter?: string | string[];
                    /** @description without values: how many groups, the most calls first (default 5, 2 to 10) */
                    limit?: string;
                    /** @description score names whose lower values are better (hallucination, toxicity...), comma-separated or repeated, at most 50 */
                    lowerIsBetter?: string | string[];
                    /** @description only the calls of this prompt (its name): by=prompt_version compares its versions; without it, version 5 of every prompt in the range is one group */
                    prompt?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                    /** @description the groups, 2 to 10: comma-separated, or the parameter repeated once per group (then a value may hold a comma); the first is the baseline unless baseline names another. Default: the groups with the most calls */
                    values?: string | string[];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Comparison"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/export/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's logs, as a CSV, JSONL or Parquet download
         * @description The range defaults to the 7 days before 'to' and spans at most 3660 days, as for analytics. Columns and types: docs/data-lifecycle.md#export.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description false: prompt and response text and log bodies are left out (null) */
                    content?: "true" | "false";
                    /** @description csv (default, with a header line), jsonl or parquet */
                    format?: "csv" | "jsonl" | "parquet";
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to` */
                    from?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                    /** @description only those of this trace */
                    traceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the file, streamed; Content-Disposition names it */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.apache.parquet": string;
                        "application/x-ndjson": string;
                        "text/csv": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/export/scores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's scores, as a CSV, JSONL or Parquet download
         * @description The range defaults to the 7 days before 'to' and spans at most 3660 days, as for analytics. Columns and types: docs/data-lifecycle.md#export.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description false: prompt and response text and log bodies are left out (null) */
                    content?: "true" | "false";
                    /** @description csv (default, with a header line), jsonl or parquet */
                    format?: "csv" | "jsonl" | "parquet";
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to` */
                    from?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                    /** @description only those of this trace */
                    traceId?: string;
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the file, streamed; Content-Disposition names it */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.apache.parquet": string;
                        "application/x-ndjson": string;
                        "text/csv": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/export/spans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's spans matching every filter, as a CSV, JSONL or Parquet download
         * @description The range defaults to the 7 days before 'to' and spans at most 3660 days, as for analytics. Columns and types: docs/data-lifecycle.md#export.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    application?: string;
                    /** @description false: prompt and response text and log bodies are left out (null) */
                    content?: "true" | "false";
                    department?: string;
                    environment?: string;
                    feature?: string;
                    /** @description csv (default, with a header line), jsonl or parquet */
                    format?: "csv" | "jsonl" | "parquet";
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h', '7d'); default: 7 days before `to` */
                    from?: string;
                    kind?: "generation" | "embedding" | "retrieval" | "tool" | "agent" | "chain" | "other";
                    /** @description USD, at most; not below minCostUsd */
                    maxCostUsd?: number;
                    /** @description milliseconds, at most; not below minDurationMs */
                    maxDurationMs?: number;
                    /** @description <key>:<value>, repeated for several (at most 10): a span carrying each entry; the prompt's version is lookout.prompt.version:<version> */
                    metadata?: string | string[];
                    /** @description USD, at least */
                    minCostUsd?: number;
                    /** @description milliseconds, at least */
                    minDurationMs?: number;
                    model?: string;
                    /** @description the name of the prompt the call was made from (metadata lookout.prompt.name) */
                    prompt?: string;
                    provider?: string;
                    /** @description free text on ids, at most 256 characters: a trace id or its first characters, a span or request id, a user or a session */
                    q?: string;
                    sessionId?: string;
                    status?: "ok" | "error" | "cancelled";
                    /** @description one of the call's tags */
                    tag?: string;
                    team?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                    /** @description 32 lowercase hex characters */
                    traceId?: string;
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the file, streamed; Content-Disposition names it */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/vnd.apache.parquet": string;
                        "application/x-ndjson": string;
                        "text/csv": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/ingest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Store a batch of generations, spans, scores and logs; each item is accepted or refused on its own
         * @description 200: every item stored (or stored before); 207: some refused, the others stored; 400: every item refused. A 2xx is sent once the accepted items are on disk; a batch sent again is recognised item by item (by id, or traceId and spanId) as duplicate.
         *
         *     Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["IngestBatchInput"];
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["IngestResult"];
                    };
                };
                /** @description Default Response */
                207: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["IngestPartialResult"];
                    };
                };
                /** @description every item refused (see results[].error), or the body is not a batch */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["IngestPartialResult"] | components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's API keys, revoked ones included (never the keys themselves)
         * @description Needs an admin key, or a person with the admin role.
         */
        get: {
            parameters: {
                query?: {
                    /** @description another project's id (operator only); default: the key's own */
                    project?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            keys: components["schemas"]["ApiKey"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create an API key; the key itself is in this answer only
         * @description Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description a label, at most 200 characters */
                        name?: string | null;
                        /** @description the key's project (another one: operator only; a new id creates it); default: the caller's */
                        project?: string;
                        /**
                         * @description ingest: send data; read: also read it; admin: also manage keys, budgets, rules
                         * @default ingest
                         * @enum {string}
                         */
                        scope?: "ingest" | "read" | "admin";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description RFC 3339, UTC */
                            createdAt: string;
                            id: string;
                            /** @description the bearer key: shown once, kept only as a hash */
                            key: string;
                            name: string | null;
                            note: string;
                            /** @description the first characters of the key, to tell keys apart */
                            prefix: string;
                            projectId: string;
                            revokedAt: string | null;
                            /** @enum {string} */
                            scope: "ingest" | "read" | "admin";
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the project is being deleted */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key; it stops working at once
         * @description Needs an admin key, or a person with the admin role.
         */
        delete: {
            parameters: {
                query?: {
                    /** @description another project's id (operator only); default: the key's own */
                    project?: string;
                };
                header?: never;
                path: {
                    keyId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            revoked: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Logs, newest first
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description rows per page, at most 1000 */
                    limit?: number;
                    /** @description rows to skip, at most 10000; page further back by moving 'to' to the oldest row seen */
                    offset?: number;
                    /** @description only those of this trace */
                    traceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            logs: components["schemas"]["Log"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who the caller is: a person, a key or the local operator; their project, grant and CSRF token
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Me"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API, as an OpenAPI 3.1 document */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            openapi: string;
                            paths: {
                                [key: string]: unknown;
                            };
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/otel-metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OTLP metrics received in a time range, by name
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    from?: string;
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            metrics: components["schemas"]["MetricName"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/otel-metrics/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The points of one OTLP metric, summarised per series
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    from?: string;
                    to?: string;
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            series: components["schemas"]["MetricSeries"][];
                            truncated: boolean;
                            unit: string;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pricing/backfill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-cost stored spans with the current prices (operator)
         * @description Instance operator only: an admin key of the default project, a person with the admin role in it, or no key on a loopback-bound server.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description without models: re-cost every span, not only those of unknown cost
                         * @default false
                         */
                        all?: boolean;
                        /** @description re-cost the spans of these models; default: every span whose cost is unknown */
                        models?: string[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description spans whose cost was computed again */
                            recosted: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pricing/overrides": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Price overrides, and the version of the catalog they sit on top of
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            catalogVersion: string;
                            overrides: components["schemas"]["PriceOverride"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Add or replace a price override (operator); the calls it applies to are re-costed
         * @description Instance operator only: an admin key of the default project, a person with the admin role in it, or no key on a loopback-bound server.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["NewPriceOverrideInput"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            override: components["schemas"]["PriceOverride"];
                            /** @description spans whose cost was computed again */
                            recosted: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pricing/overrides/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a price override (operator); the calls it applied to are re-costed
         * @description Instance operator only: an admin key of the default project, a person with the admin role in it, or no key on a loopback-bound server.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deleted: string;
                            /** @description spans whose cost was computed again */
                            recosted: number;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pricing/unknown-models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Models called without a known price, with how often
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            hint?: string;
                            models: components["schemas"]["UnknownModel"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/privacy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's privacy settings: what is done with each kind of sensitive value
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description false: the instance's defaults (config file) apply to this project */
                            customised: boolean;
                            defaults: components["schemas"]["PrivacySettings"];
                            /** @description false: the instance turned redaction off (privacy.redact): values are stored as they come, whatever the settings */
                            redact: boolean;
                            settings: components["schemas"]["PrivacySettings"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Changes the project's privacy settings (fields not given keep their value); applies to records ingested from now on
         * @description Needs an admin key, or a person with the admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The project's own patterns, redacted as type custom. */
                        custom?: {
                            /** @description Shown in findings as custom:<name>; unique within the project. */
                            name: string;
                            /** @description A regular expression in RE2 syntax (linear time: no backreferences or lookaround), at most 500 characters. */
                            pattern: string;
                        }[];
                        /**
                         * @description What the gateway does with a high-severity prompt injection in a request: detect (record it, forward the call) or block (answer 400 in the provider's error format).
                         * @enum {string}
                         */
                        gatewayInjection?: "detect" | "block";
                        /** @description What is done with each kind of value found: mask (the default), hash, drop (the whole field) or keep. */
                        modes?: {
                            [key: string]: "mask" | "hash" | "drop" | "keep";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description false: the instance's defaults (config file) apply to this project */
                            customised: boolean;
                            defaults: components["schemas"]["PrivacySettings"];
                            /** @description false: the instance turned redaction off (privacy.redact): values are stored as they come, whatever the settings */
                            redact: boolean;
                            settings: components["schemas"]["PrivacySettings"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Puts the project back on the instance's default privacy settings
         * @description Needs an admin key, or a person with the admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description false: the instance's defaults (config file) apply to this project */
                            customised: boolean;
                            defaults: components["schemas"]["PrivacySettings"];
                            /** @description false: the instance turned redaction off (privacy.redact): values are stored as they come, whatever the settings */
                            redact: boolean;
                            settings: components["schemas"]["PrivacySettings"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/privacy/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What the redactor and the injection detector make of a text (nothing is stored)
         * @description `settings`, when given, are merged over the project's own (as PUT would) and tried without being saved.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description settings to try, merged over the project's (not saved) */
                        settings?: {
                            /** @description The project's own patterns, redacted as type custom. */
                            custom?: {
                                /** @description Shown in findings as custom:<name>; unique within the project. */
                                name: string;
                                /** @description A regular expression in RE2 syntax (linear time: no backreferences or lookaround), at most 500 characters. */
                                pattern: string;
                            }[];
                            /**
                             * @description What the gateway does with a high-severity prompt injection in a request: detect (record it, forward the call) or block (answer 400 in the provider's error format).
                             * @enum {string}
                             */
                            gatewayInjection?: "detect" | "block";
                            /** @description What is done with each kind of value found: mask (the default), hash, drop (the whole field) or keep. */
                            modes?: {
                                [key: string]: "mask" | "hash" | "drop" | "keep";
                            };
                        };
                        text: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            failed: boolean;
                            findings: {
                                detector: string;
                                end: number;
                                start: number;
                                /** @enum {string} */
                                type: "email" | "phone" | "credit_card" | "ssn" | "national_id" | "iban" | "ip_address" | "secret" | "custom";
                            }[];
                            injection: {
                                /** @enum {string} */
                                kind: "prompt_injection" | "jailbreak";
                                rules: string[];
                                score: number;
                                /** @enum {string} */
                                severity: "low" | "medium" | "high" | "critical";
                            } | null;
                            /** @description the text as it would be stored; null when a drop setting (or a failed scan) removes the field */
                            text: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/project": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The key's project and scope
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            project: components["schemas"]["Project"] | {
                                /**
                                 * @description what the project keeps of prompts and responses
                                 * @enum {string}
                                 */
                                contentCapture: "full" | "metadata" | "off";
                                id: string;
                            };
                            /**
                             * @description the caller's grant in the project: a key's scope, or a person's role (viewer is read)
                             * @enum {string}
                             */
                            scope: "ingest" | "read" | "admin" | "member";
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change what the project keeps of prompts and responses, and purge what it no longer would
         * @description Needs an admin key, or a person with the admin role.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /**
                         * @description what is kept of prompts and responses from now on: full (text and hashes), metadata (hashes only), off (neither)
                         * @enum {string}
                         */
                        contentCapture: "full" | "metadata" | "off";
                        /**
                         * @description also remove it from the spans and logs already stored; only with metadata or off
                         * @default false
                         */
                        purge?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            project: components["schemas"]["Project"];
                            purged?: components["schemas"]["ContentPurgeResult"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/project-deletions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Project deletions, newest first: who deleted which project, when, and what was removed (operator)
         * @description Instance operator only: an admin key of the default project, a person with the admin role in it, or no key on a loopback-bound server.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deletions: components["schemas"]["ProjectDeletion"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/project-deletions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One project deletion and its status (operator)
         * @description Instance operator only: an admin key of the default project, a person with the admin role in it, or no key on a loopback-bound server.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deletion: components["schemas"]["ProjectDeletion"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/project/retention": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's retention tiers, which are defaults, and the job's last run
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            archive: {
                                enabled: boolean;
                            };
                            /** @description spans and logs keep their prompt and response content this long (hot) */
                            contentDays: number;
                            cutoffs: {
                                contentBefore: string;
                                rollupsBefore: string;
                                spansBefore: string;
                            };
                            defaults: {
                                /** @description spans and logs keep their prompt and response content this long (hot) */
                                contentDays: number;
                                /** @description the hourly totals of calls are kept this long (cold); analytics past spansDays answer from them */
                                rollupsDays: number;
                                /** @description spans, scores, logs and metric points are kept this long, without content after contentDays (warm) */
                                spansDays: number;
                            };
                            /** @description false: this store does not enforce retention and keeps everything */
                            enforced: boolean;
                            intervalMs: number;
                            /** @description true: the tier is the instance's default (config), not the project's own */
                            isDefault: {
                                contentDays: boolean;
                                rollupsDays: boolean;
                                spansDays: boolean;
                            };
                            lastRun: {
                                /** @description days written to the archive before their spans were deleted; null: archive off */
                                archivedDays: number | null;
                                contentStripped: {
                                    logs: number;
                                    spans: number;
                                };
                                /** @description what was older than these left its tier */
                                cutoffs: {
                                    contentBefore: string;
                                    rollupsBefore: string;
                                    spansBefore: string;
                                };
                                deleted: {
                                    logs: number;
                                    metricPoints: number;
                                    rollupHours: number;
                                    scores: number;
                                    spans: number;
                                };
                                durationMs: number;
                                error: string | null;
                                finishedAt: string;
                                startedAt: string;
                                /** @enum {string} */
                                trigger: "schedule" | "manual";
                            } | null;
                            /** @description the hourly totals of calls are kept this long (cold); analytics past spansDays answer from them */
                            rollupsDays: number;
                            /** @description hourly totals older than this are gone; null: none removed yet */
                            rollupsFrom: string | null;
                            /** @description spans, scores, logs and metric points are kept this long, without content after contentDays (warm) */
                            spansDays: number;
                            /** @description spans older than this are gone (answers before it come from the hourly totals); null: none removed yet */
                            spansFrom: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Sets the project's own retention tiers (a tier not given keeps its value; null goes back to the default)
         * @description The tiers must keep contentDays ≤ spansDays ≤ rollupsDays. Shorter tiers apply at the next run (POST /api/v1/project/retention/run runs now).
         *
         *     Needs an admin key, or a person with the admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description null: back to the default */
                        contentDays?: number | null;
                        /** @description null: back to the default */
                        rollupsDays?: number | null;
                        /** @description null: back to the default */
                        spansDays?: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            archive: {
                                enabled: boolean;
                            };
                            /** @description spans and logs keep their prompt and response content this long (hot) */
                            contentDays: number;
                            cutoffs: {
                                contentBefore: string;
                                rollupsBefore: string;
                                spansBefore: string;
                            };
                            defaults: {
                                /** @description spans and logs keep their prompt and response content this long (hot) */
                                contentDays: number;
                                /** @description the hourly totals of calls are kept this long (cold); analytics past spansDays answer from them */
                                rollupsDays: number;
                                /** @description spans, scores, logs and metric points are kept this long, without content after contentDays (warm) */
                                spansDays: number;
                            };
                            /** @description false: this store does not enforce retention and keeps everything */
                            enforced: boolean;
                            intervalMs: number;
                            /** @description true: the tier is the instance's default (config), not the project's own */
                            isDefault: {
                                contentDays: boolean;
                                rollupsDays: boolean;
                                spansDays: boolean;
                            };
                            lastRun: {
                                /** @description days written to the archive before their spans were deleted; null: archive off */
                                archivedDays: number | null;
                                contentStripped: {
                                    logs: number;
                                    spans: number;
                                };
                                /** @description what was older than these left its tier */
                                cutoffs: {
                                    contentBefore: string;
                                    rollupsBefore: string;
                                    spansBefore: string;
                                };
                                deleted: {
                                    logs: number;
                                    metricPoints: number;
                                    rollupHours: number;
                                    scores: number;
                                    spans: number;
                                };
                                durationMs: number;
                                error: string | null;
                                finishedAt: string;
                                startedAt: string;
                                /** @enum {string} */
                                trigger: "schedule" | "manual";
                            } | null;
                            /** @description the hourly totals of calls are kept this long (cold); analytics past spansDays answer from them */
                            rollupsDays: number;
                            /** @description hourly totals older than this are gone; null: none removed yet */
                            rollupsFrom: string | null;
                            /** @description spans, scores, logs and metric points are kept this long, without content after contentDays (warm) */
                            spansDays: number;
                            /** @description spans older than this are gone (answers before it come from the hourly totals); null: none removed yet */
                            spansFrom: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/project/retention/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Runs retention for the project now and answers what it removed
         * @description Waits for an erasure or project deletion in progress first: they take turns.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description days written to the archive before their spans were deleted; null: archive off */
                            archivedDays: number | null;
                            contentStripped: {
                                logs: number;
                                spans: number;
                            };
                            /** @description what was older than these left its tier */
                            cutoffs: {
                                contentBefore: string;
                                rollupsBefore: string;
                                spansBefore: string;
                            };
                            deleted: {
                                logs: number;
                                metricPoints: number;
                                rollupHours: number;
                                scores: number;
                                spans: number;
                            };
                            durationMs: number;
                            error: string | null;
                            finishedAt: string;
                            startedAt: string;
                            /** @enum {string} */
                            trigger: "schedule" | "manual";
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Projects: every project for the operator, the key's own for a project admin
         * @description Needs an admin key, or a person with the admin role.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            projects: components["schemas"]["Project"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/projects/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a project: its records, keys, budgets, rules, evaluators and settings (operator, or the project's own admin)
         * @description Its API keys stop working at once and it takes no more data; its records are erased (an erasure job of kind project) and everything held for it is removed, so a new project with the same id starts empty. The default project cannot be deleted (409). Answers 202 while the deletion runs, or 200 once it is done if it ended within `wait` seconds. See docs/data-lifecycle.md#deleting-a-project.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        delete: {
            parameters: {
                query?: {
                    /** @description seconds to hold the answer for the deletion to end (0-60); 0: answer at once */
                    wait?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deletion: components["schemas"]["ProjectDeletion"];
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deletion: components["schemas"]["ProjectDeletion"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's prompts, each with its newest version number and its labels
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptList"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Writes the next version of a prompt (version 1 of a new one) and points the given labels at it
         * @description Versions never change once written. At most 1000 prompts per project, 1000 versions per prompt, 20 labels per prompt, 67108864 bytes of versions per project (409 past them); the prompt at most 262144 bytes.
         *
         *     Needs an admin key, or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PromptVersionCreateInput"];
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptVersion"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One version of a prompt: the one a label points at (default production), `latest`, or a version number (any key of the project)
         * @description An ingest key reads the prompt text, model and parameters; `createdBy` and `message` are null for it.
         *
         *     Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description the label to resolve (default production; 'latest' is the newest version) */
                    label?: string;
                    /** @description a version number */
                    version?: number;
                };
                header?: never;
                path: {
                    /** @description the prompt's name in the project: letters, digits, ".", "_" and "-", at most 128 characters */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptVersion"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/{name}/labels/{label}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Points a label at a version, moving it when it pointed at another
         * @description Needs an admin key, or a person with the member or admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description a label; 'latest' cannot be set or removed */
                    label: string;
                    /** @description the prompt's name in the project: letters, digits, ".", "_" and "-", at most 128 characters */
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        version: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptLabel"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Removes a label from a prompt
         * @description Needs an admin key, or a person with the member or admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description a label; 'latest' cannot be set or removed */
                    label: string;
                    /** @description the prompt's name in the project: letters, digits, ".", "_" and "-", at most 128 characters */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/prompts/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A prompt's versions, newest first, without their text, and its labels
         * @description Fetch two versions with GET /api/v1/prompts/{name}?version=n to compare them.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the prompt's name in the project: letters, digits, ".", "_" and "-", at most 128 characters */
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PromptVersions"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/quality/drift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Retrieval and embedding drift: top-score distribution, documents returned and embedding truncation over time, with their PSI against a baseline
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description how long the baseline is: the period right before `from` the range is compared with (e.g. 7d); default: as long as the range */
                    baseline?: string;
                    /** @description only this feature; `(none)` for spans without one; default: every feature together */
                    feature?: string;
                    /** @description start of the range (inclusive): an instant or a duration back from now ('48h'); default: 7 days before `to` */
                    from?: string;
                    /** @description end of the range (exclusive); default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RetrievalDrift"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/quality/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Health score (0-100) per feature or application, from quality, latency, errors and cost efficiency
         * @description The formula and its weights are in docs/quality.md (Health score). A component a group lacks is left out and the others reweighted.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    by?: "feature" | "application";
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h'); default: 7 days before `to` */
                    from?: string;
                    /** @description p95 latency target for every group; default: the group's latency_slo evaluator, else 10000 ms */
                    latencyTargetMs?: number;
                    /** @description groups, most calls first */
                    limit?: number;
                    /** @description end of the range (exclusive); default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HealthScores"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/quality/top-issues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Top issues: recurring errors grouped by fingerprint and low scores grouped by feature and score name, each with counts, first and last seen, and traces
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h'); default: 7 days before `to` */
                    from?: string;
                    /** @description groups of each kind */
                    limit?: number;
                    /** @description a numeric score below this is low */
                    threshold?: number;
                    /** @description end of the range (exclusive); default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TopIssues"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/recommendations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What to change to spend less: each recommendation with its saving in dollars, formula, evidence and confidence
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description start of the range (inclusive): an instant or a duration back from now ('7d'); default: 30 days before `to` */
                    from?: string;
                    /** @description end of the range (exclusive): an instant or a duration back from now; default: now */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Recommendations"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/reports/chargeback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cost and bill of one month per department, team, application or feature (calls, markup, other costs), as JSON or a CSV download
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description dimensions, comma-separated: department, team, application, feature (default department) */
                    by?: string | string[];
                    /** @description json (default) or csv, a download */
                    format?: "json" | "csv";
                    /** @description YYYY-MM, UTC (default: the current month) */
                    month?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the report: JSON, or with format=csv a CSV file (RFC 4180) with one line per row */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ChargebackReport"];
                        "text/csv": string;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schema/ingest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The JSON Schema of an ingest batch
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description a JSON Schema (draft 2020-12) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/scores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Scores, newest first
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description rows per page, at most 1000 */
                    limit?: number;
                    /** @description rows to skip, at most 10000; page further back by moving 'to' to the oldest row seen */
                    offset?: number;
                    /** @description only those of this trace */
                    traceId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            scores: components["schemas"]["Score"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/security/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Security events: PII and secrets found, prompt injections, refused requests — newest first
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h'); default: 7 days before `to` */
                    from?: string;
                    limit?: number;
                    /** @description end of the range (exclusive); default: now */
                    to?: string;
                    traceId?: string;
                    type?: "pii" | "secret" | "prompt_injection" | "jailbreak" | "auth_failure" | "rate_limited" | "budget_blocked";
                    /** @description only events of this user */
                    user?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            events: components["schemas"]["SecurityEvent"][];
                            /** @description pass as cursor for the next (older) page; null on the last page */
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/security/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Security events counted by type over time, and the users with most
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    /** @description start of the range (inclusive): an instant or a duration back from now ('24h'); default: 7 days before `to` */
                    from?: string;
                    /** @description end of the range (exclusive); default: now */
                    to?: string;
                    /** @description users listed, at most 50 */
                    top?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SecuritySummary"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/spans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spans matching every filter, newest first
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    application?: string;
                    department?: string;
                    environment?: string;
                    feature?: string;
                    /** @description start of the range (inclusive): a time, or a duration back from now such as 24h */
                    from?: string;
                    kind?: "generation" | "embedding" | "retrieval" | "tool" | "agent" | "chain" | "other";
                    /** @description rows per page, at most 1000 */
                    limit?: number;
                    /** @description USD, at most; not below minCostUsd */
                    maxCostUsd?: number;
                    /** @description milliseconds, at most; not below minDurationMs */
                    maxDurationMs?: number;
                    /** @description <key>:<value>, repeated for several (at most 10): a span carrying each entry; the prompt's version is lookout.prompt.version:<version> */
                    metadata?: string | string[];
                    /** @description USD, at least */
                    minCostUsd?: number;
                    /** @description milliseconds, at least */
                    minDurationMs?: number;
                    model?: string;
                    /** @description rows to skip, at most 10000; page further back by moving 'to' to the oldest row seen */
                    offset?: number;
                    /** @description start (default): newest first; duration or cost: largest first */
                    orderBy?: "start" | "duration" | "cost";
                    /** @description the name of the prompt the call was made from (metadata lookout.prompt.name) */
                    prompt?: string;
                    provider?: string;
                    /** @description free text on ids, at most 256 characters: a trace id or its first characters, a span or request id, a user or a session */
                    q?: string;
                    sessionId?: string;
                    status?: "ok" | "error" | "cancelled";
                    /** @description one of the call's tags */
                    tag?: string;
                    team?: string;
                    /** @description end of the range (exclusive): a time or a duration back from now; default now */
                    to?: string;
                    /** @description false: skip counting every match (total is null), which is cheaper over a long range */
                    total?: "true" | "false";
                    /** @description 32 lowercase hex characters */
                    traceId?: string;
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            limit: number;
                            offset: number;
                            spans: components["schemas"]["Span"][];
                            /** @description null when asked with total=false */
                            total: number | null;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/spans/{spanId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One span, with its GenAI events
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    spanId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Span"];
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/spans/{spanId}/cost": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The cost of one span, line by line, from the price row that produced it
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    spanId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            catalogVersion: string | null;
                            lines: {
                                /** @enum {string} */
                                bucket: "input" | "output" | "cacheRead" | "cacheWrite" | "reasoning" | "audio";
                                /** @description exact; the lines' costNanoUsd sum to totalNanoUsd */
                                costNanoUsd: number;
                                costUsd: number;
                                /** @description "1,234 input × $3/M = $0.003702" */
                                text: string;
                                /** @description set when a tiered price applied: the tier's threshold on total input tokens */
                                tierAboveInputTokens: number | null;
                                tokens: number;
                                /** @description USD per million tokens */
                                unitPricePerMtokUsd: number;
                            }[];
                            model: string | null;
                            /** @description why the explanation of a stored cost may not match today's catalog, e.g. the price row is gone */
                            note: string | null;
                            /** @description the price row that produced the cost: 'catalog:openai/gpt-4o' or 'override:<id>' */
                            priceRowId: string | null;
                            provider: string | null;
                            spanId: string;
                            /** @enum {string} */
                            status: "priced" | "unknown_model" | "provider_reported" | "not_applicable";
                            /** @description one line a person can read */
                            summary: string;
                            /** @description exact, integer nano-dollars (1e-9 USD) */
                            totalNanoUsd: number | null;
                            /** @description US dollars; null when the cost is not known */
                            totalUsd: number | null;
                            traceId: string;
                            usage: components["schemas"]["Usage"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/traces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Traces with a span matching every filter, newest first, one summary row each
         * @description Each filter is met by one of the trace's spans; the cost and duration ranges apply to the whole trace (its summed cost, first start to last end). Paging and total=false: docs/api.md#traces-and-read-bounds.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: {
                    application?: string;
                    department?: string;
                    environment?: string;
                    feature?: string;
                    /** @description start of the range (inclusive): a time, or a duration back from now such as 24h */
                    from?: string;
                    kind?: "generation" | "embedding" | "retrieval" | "tool" | "agent" | "chain" | "other";
                    /** @description rows per page, at most 1000 */
                    limit?: number;
                    /** @description USD, at most; not below minCostUsd */
                    maxCostUsd?: number;
                    /** @description milliseconds, at most; not below minDurationMs */
                    maxDurationMs?: number;
                    /** @description <key>:<value>, repeated for several (at most 10): a span carrying each entry; the prompt's version is lookout.prompt.version:<version> */
                    metadata?: string | string[];
                    /** @description USD, at least */
                    minCostUsd?: number;
                    /** @description milliseconds, at least */
                    minDurationMs?: number;
                    model?: string;
                    /** @description rows to skip, at most 10000; page further back by moving 'to' to the oldest row seen */
                    offset?: number;
                    /** @description start (default): newest first; duration or cost: largest first */
                    orderBy?: "start" | "duration" | "cost";
                    /** @description the name of the prompt the call was made from (metadata lookout.prompt.name) */
                    prompt?: string;
                    provider?: string;
                    /** @description free text on ids, at most 256 characters: a trace id or its first characters, a span or request id, a user or a session */
                    q?: string;
                    sessionId?: string;
                    status?: "ok" | "error" | "cancelled";
                    /** @description one of the call's tags */
                    tag?: string;
                    team?: string;
                    /** @description end of the range (exclusive): a time or a duration back from now; default now */
                    to?: string;
                    /** @description false: skip counting every match (total is null), which is cheaper over a long range */
                    total?: "true" | "false";
                    /** @description 32 lowercase hex characters */
                    traceId?: string;
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            limit: number;
                            offset: number;
                            /** @description null when asked with total=false */
                            total: number | null;
                            traces: components["schemas"]["TraceSummary"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/traces/{traceId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One trace: its spans, scores and logs
         * @description Build the tree from parentSpanId. At most 10000 of each kind, the first by time; the rest of a larger trace is in /api/v1/spans?traceId=...
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    traceId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            logs: components["schemas"]["Log"][];
                            maxItems?: number;
                            scores: components["schemas"]["Score"][];
                            spans: components["schemas"]["Span"][];
                            traceId: string;
                            /**
                             * @description more than maxItems of one kind: the first 10000 by time; the rest are in /spans?traceId=...
                             * @enum {boolean}
                             */
                            truncated?: true;
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The project's members and their roles; every account for the operator with all=true
         * @description Needs an admin key, or a person with the admin role.
         */
        get: {
            parameters: {
                query?: {
                    /** @description true: every user of the instance (operator only) */
                    all?: "true" | "false";
                    /** @description another project's members (operator only); default: the caller's project */
                    project?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            users: components["schemas"]["ManagedUser"][];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Give a person a role in the project: a new local account, or one that exists
         * @description A new address makes a local account with the password given, or a one-time password made here and returned once (password); with auth.oidc configured, only the operator makes local accounts (403 for others). An address that has a local account adds the role to it (200); its password is not changed. An account of the identity provider gets its roles from the provider: 409. A project admin's answers show the person's role in that project only.
         *
         *     Needs an admin key, or a person with the admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description an email address (compared without regard to case) */
                        email: string;
                        /** @description a display name */
                        name?: string | null;
                        /** @description a password for a new local account (8-1024 characters); omitted: a one-time password is made and returned once */
                        password?: string;
                        /** @description the project to give the role in (another one: operator only); default: the caller's */
                        project?: string;
                        /**
                         * @description viewer: reads; member: also scores, silences and own budgets; admin: also keys, rules, budgets, prices, privacy, erasure and members
                         * @enum {string}
                         */
                        role: "viewer" | "member" | "admin";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            created: false;
                            password: null;
                            user: components["schemas"]["ManagedUser"];
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            created: true;
                            /** @description the one-time password made for the account: shown once; null when one was given */
                            password: string | null;
                            user: components["schemas"]["ManagedUser"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the person has a role in the project already, or signs in with the identity provider; or the project is being deleted */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a person from the project; with entirely=true (operator) delete their account
         * @description Needs an admin key, or a person with the admin role.
         */
        delete: {
            parameters: {
                query?: {
                    /** @description true: delete the account itself, from every project (operator only) */
                    entirely?: "true" | "false";
                    /** @description the project to remove the person from (another one: operator only); default: the caller's */
                    project?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description oneself, or a person whose roles come from the identity provider (disable them instead) */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Change a person's role in the project, their name or password, or disable them
         * @description role: in the project (given where they had none). name, password, disabled change the account itself: a project admin may change them only for people with no role in another project; the operator for anyone. Disabling or a new password signs the person out everywhere. One's own role and account are not changed here, nor the roles of people who sign in with the identity provider (409: they come from its claims).
         *
         *     Needs an admin key, or a person with the admin role.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description true: the person cannot sign in and is signed out everywhere */
                        disabled?: boolean;
                        name?: string | null;
                        /** @description a new password (local accounts); the person is signed out everywhere */
                        password?: string;
                        /** @description the project of `role` (another one: operator only); default: the caller's */
                        project?: string;
                        /**
                         * @description the role in the project (added when the person has none there)
                         * @enum {string}
                         */
                        role?: "viewer" | "member" | "admin";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            user: components["schemas"]["ManagedUser"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description one's own role or account, or a password for an account of the identity provider */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/auth/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * How one can sign in here: a password, an OpenID Connect provider
         * @description Public: what the sign-in page offers.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AuthConfig"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with a local account: email address and password
         * @description Public. 200 with the person and a session cookie (HttpOnly, SameSite=Lax; the session id changes at every sign-in). 401 for a wrong address or password alike; 429 too_many_sign_ins after auth.local.maxAttemptsPerMinute attempts that were not successful for the address or from the client in a minute (attempts under way count), past the server-wide failure backstop, or while too many passwords are being checked at once (Retry-After); 403 when password sign-in is turned off.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            user: components["schemas"]["User"];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description wrong email address or password */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out: the session ends on the server and its cookie is cleared
         * @description With a session, x-csrf-token is required like for every change. 204; or 200 with endSessionUrl when the person signed in with an OpenID Connect provider that supports RP-initiated logout: send the browser there to end the provider's session too.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            endSessionUrl: string;
                        };
                    };
                };
                /** @description signed out */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/oidc/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Where the identity provider sends the browser back: signs the person in
         * @description Public; the redirect URI to register at the provider is <auth.publicUrl>/auth/oidc/callback. Checks the state against the browser's sign-in cookie, exchanges the code with the PKCE verifier, checks the ID token, maps the claims to roles (auth.oidc.roles) and answers 302 to the page the sign-in started from with a session cookie, or 302 to /?signInError=<code> when the person may not sign in (a code, e.g. not_allowed, no_role, other_identity; the sign-in page words it; the reason is in the audit log).
         */
        get: {
            parameters: {
                query?: {
                    code?: string;
                    error?: string;
                    error_description?: string;
                    error_uri?: string;
                    iss?: string;
                    session_state?: string;
                    state?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description a redirect (Location header) */
                302: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/oidc/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Starts OpenID Connect sign-in: redirects the browser to the identity provider
         * @description Public. Keeps a fresh state, nonce and PKCE verifier in a sealed, HttpOnly cookie (10 minutes, path /auth/oidc/) and answers 302 to the provider (authorization code flow, PKCE S256). 400 when returnTo is not a path of this server as the callback will send it (percent-encoded: no `//host` once resolved, no backslashes or encoded slashes in the path, at most 2,048 characters); 503 identity_provider_unavailable when the provider cannot be reached; 404 when OpenID Connect is not configured. docs/auth.md
         */
        get: {
            parameters: {
                query?: {
                    /** @description where to land after signing in: a path of this server; default / */
                    returnTo?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description a redirect (Location header) */
                302: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The server is up */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/mcp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Not used by this stateless MCP server (405): send every message with POST
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                405: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: number;
                                message: string;
                            };
                            id: null;
                            /** @enum {string} */
                            jsonrpc: "2.0";
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * The MCP server (Streamable HTTP transport, stateless): read-only tools over the caller's project
         * @description Tools: query_analytics, list_traces, get_trace, explain_cost, list_alerts, check_budget, top_issues. See docs/mcp.md.
         *
         *     Needs a read or admin key, or a person with any role in the project.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description a JSON-RPC 2.0 message of the Model Context Protocol (initialize, tools/list, tools/call, ...) */
            requestBody: {
                content: {
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description the JSON-RPC response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description a notification or response was accepted */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description the client does not accept both application/json and text/event-stream, as the transport requires */
                406: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: number;
                                message: string;
                            };
                            id: null;
                            /** @enum {string} */
                            jsonrpc: "2.0";
                        };
                    };
                };
                /** @description Default Response */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Not used by this stateless MCP server (405): send every message with POST
         * @description Needs a read or admin key, or a person with any role in the project.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                405: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            error: {
                                code: number;
                                message: string;
                            };
                            id: null;
                            /** @enum {string} */
                            jsonrpc: "2.0";
                        };
                    };
                };
                /** @description Default Response */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The server's own metrics, for Prometheus (with metrics.requireKey: a read or admin key of the default project) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the Prometheus text exposition format, or OpenMetrics (with trace-id exemplars) when the Accept header prefers application/openmetrics-text */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/openmetrics-text": string;
                        "text/plain": string;
                    };
                };
                /** @description Default Response */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Default Response */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/proxy/anthropic/v1/{*}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Call the Anthropic API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the Anthropic API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the Anthropic API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the Anthropic API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the Anthropic API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the Anthropic API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the Anthropic API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the Anthropic API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the Anthropic API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        options: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the Anthropic API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the Anthropic API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        head: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the Anthropic API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the Anthropic API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the Anthropic API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the Anthropic API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        trace: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the Anthropic API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AnthropicError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
    };
    "/proxy/openai/v1/{*}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Call the OpenAI API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the OpenAI API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the OpenAI API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the OpenAI API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the OpenAI API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the OpenAI API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the OpenAI API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the OpenAI API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the OpenAI API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        options: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the OpenAI API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the OpenAI API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        head: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the OpenAI API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the OpenAI API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the OpenAI API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            /** @description any body the provider takes, forwarded unchanged */
            requestBody: {
                content: {
                    "*/*": unknown;
                };
            };
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
        /**
         * Call the OpenAI API through the recording gateway: forwarded as sent, answered as the provider answers
         * @description Any key of the project (ingest, read or admin), or a person with any role in the project.
         */
        trace: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description the OpenAI API path after /v1/, with its query */
                    "*": string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description the provider's response, headers and body unchanged, with x-lookout-trace-id (and x-lookout-budget-warning near a budget) */
                "2XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
                /** @description the provider's 400, or the gateway's invalid_path or invalid_lookout_header */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the provider's 401, or no valid Lookout key where one is required */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description blocked_by_action, a key that may not ingest, or the provider refusing the call */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description a path outside the provider prefixes, or the provider not knowing the path */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the body is over gateway.maxBodyBytes */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description budget_exceeded or rate_limited_by_action (Retry-After), or the provider's own rate limit */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_unreachable or upstream_invalid_response */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description the server is stopping, or the provider is unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description upstream_timeout */
                504: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OpenAiError"];
                    };
                };
                /** @description any other status of the provider, passed through */
                default: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                        "text/event-stream": string;
                    };
                };
            };
        };
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The server takes requests (503 while it is stopping) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ready"];
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["NotReady"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export OTLP logs over HTTP (protobuf or JSON)
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description an OTLP ExportLogsServiceRequest: protobuf (application/x-protobuf) or OTLP/JSON (application/json, UTF-8); Content-Encoding gzip or none */
            requestBody: {
                content: {
                    "application/json": unknown;
                    "application/x-protobuf": unknown;
                };
            };
            responses: {
                /** @description ExportLogsServiceResponse; partialSuccess names the records refused, if any */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description set when some records were refused */
                            partialSuccess?: {
                                errorMessage: string;
                                /** @description int64, as a decimal string */
                                rejectedLogRecords: string;
                            };
                        };
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the body cannot be decoded as an export request */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description no key, or an unknown or revoked key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the key may not ingest */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the body, or the body once decompressed, is too large, or it has more records than ingest.maxBatchItems */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description a Content-Type other than protobuf or JSON, JSON not in UTF-8, or an unknown Content-Encoding */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the write queue is full: retry after Retry-After seconds */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the store cannot take the data now, or the server is stopping: retry after Retry-After seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export OTLP metrics over HTTP (protobuf or JSON)
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description an OTLP ExportMetricsServiceRequest: protobuf (application/x-protobuf) or OTLP/JSON (application/json, UTF-8); Content-Encoding gzip or none */
            requestBody: {
                content: {
                    "application/json": unknown;
                    "application/x-protobuf": unknown;
                };
            };
            responses: {
                /** @description ExportMetricsServiceResponse; partialSuccess names the records refused, if any */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description set when some records were refused */
                            partialSuccess?: {
                                errorMessage: string;
                                /** @description int64, as a decimal string */
                                rejectedDataPoints: string;
                            };
                        };
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the body cannot be decoded as an export request */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description no key, or an unknown or revoked key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the key may not ingest */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the body, or the body once decompressed, is too large, or it has more records than ingest.maxBatchItems */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description a Content-Type other than protobuf or JSON, JSON not in UTF-8, or an unknown Content-Encoding */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the write queue is full: retry after Retry-After seconds */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the store cannot take the data now, or the server is stopping: retry after Retry-After seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/traces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Export OTLP traces over HTTP (protobuf or JSON)
         * @description Any key of the project (ingest, read or admin), or a person with the member or admin role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description an OTLP ExportTraceServiceRequest: protobuf (application/x-protobuf) or OTLP/JSON (application/json, UTF-8); Content-Encoding gzip or none */
            requestBody: {
                content: {
                    "application/json": unknown;
                    "application/x-protobuf": unknown;
                };
            };
            responses: {
                /** @description ExportTraceServiceResponse; partialSuccess names the records refused, if any */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description set when some records were refused */
                            partialSuccess?: {
                                errorMessage: string;
                                /** @description int64, as a decimal string */
                                rejectedSpans: string;
                            };
                        };
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the body cannot be decoded as an export request */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description no key, or an unknown or revoked key */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the key may not ingest */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the body, or the body once decompressed, is too large, or it has more records than ingest.maxBatchItems */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description a Content-Type other than protobuf or JSON, JSON not in UTF-8, or an unknown Content-Encoding */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the write queue is full: retry after Retry-After seconds */
                429: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
                /** @description the store cannot take the data now, or the server is stopping: retry after Retry-After seconds */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OtlpStatus"];
                        "application/x-protobuf": unknown;
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        /** @description the parameters of the action, by its kind (see docs/alerts.md) */
        ActionParams: {
            from: string;
            /** @enum {string} */
            provider?: "openai" | "anthropic";
            /** @description who the response applies to: every field given must match the request ('*': any value) */
            scope: {
                feature?: string;
                team?: string;
                user?: string;
            };
            to: string;
        } | {
            perUser: boolean;
            /** @description who the response applies to: every field given must match the request ('*': any value) */
            scope: {
                feature?: string;
                team?: string;
                user?: string;
            };
            /** @description a duration, e.g. '10m' */
            ttl: string;
        } | {
            requestsPerMinute: number;
            /** @description who the response applies to: every field given must match the request ('*': any value) */
            scope: {
                feature?: string;
                team?: string;
                user?: string;
            };
        } | {
            baseUrl: string;
            onStatus: number[];
            /** @enum {string} */
            provider: "openai" | "anthropic";
            /** @description who the response applies to: every field given must match the request ('*': any value) */
            scope: {
                feature?: string;
                team?: string;
                user?: string;
            };
        } | {
            /** @description who the response applies to: every field given must match the request ('*': any value) */
            scope: {
                feature?: string;
                team?: string;
                user?: string;
            };
        };
        Activation: {
            actionId: string;
            activatedAtMs: number;
            /** @description when its alert stopped firing; null: still firing */
            alertResolvedAtMs: number | null;
            configHash: string;
            /** @description listed and reported, but changes nothing */
            dryRun: boolean;
            id: string;
            /** @enum {string} */
            kind: "switchModel" | "responseCache" | "rateLimit" | "block" | "fallback";
            /** @description the action's parameters with {{ $labels.x }} filled in from the triggering alert */
            params: components["schemas"]["ActionParams"];
            projectId: string;
            revertedAtMs: number | null;
            revertedBy: ("resolve" | "api" | "config") | null;
            /** @description the API key that reverted it */
            revertedByKey: string | null;
            revertOnResolve: boolean;
            /** @enum {string} */
            state: "active" | "reverted";
            triggeredBy: {
                alertname: string;
                fingerprint: string;
                firedAtMs: number | null;
                labels: {
                    [key: string]: string;
                };
                ruleId: string;
                severity: string;
                summary: string | null;
                value: number | null;
            };
        };
        Alert: {
            activeSinceMs: number;
            annotations: {
                [key: string]: string;
            };
            fingerprint: string;
            firedAtMs: number | null;
            inhibitedBy: string[];
            labels: {
                [key: string]: string;
            } & {
                alertname: string;
                /** @enum {string} */
                category: "cost" | "performance" | "availability" | "quality" | "security";
                project: string;
                /** @enum {string} */
                severity: "info" | "warning" | "critical";
            };
            lastEvaluatedMs: number;
            projectId: string;
            resolvedAtMs: number | null;
            ruleId: string;
            silencedBy: string[];
            /** @enum {string} */
            state: "pending" | "firing" | "resolved";
            threshold: number | null;
            value: number | null;
        };
        AlertEvent: {
            atMs: number;
            fingerprint: string;
            from: ("pending" | "firing" | "resolved") | null;
            labels: {
                [key: string]: string;
            } & {
                alertname: string;
                /** @enum {string} */
                category: "cost" | "performance" | "availability" | "quality" | "security";
                project: string;
                /** @enum {string} */
                severity: "info" | "warning" | "critical";
            };
            projectId: string;
            ruleId: string;
            /** @enum {string} */
            to: "pending" | "firing" | "resolved";
            value: number | null;
        };
        AnalyticsColumn: {
            /** @enum {string} */
            kind: "bucket" | "dimension" | "measure";
            /** @description 'bucket', a dimension, or a measure */
            name: string;
            /**
             * @description measures only
             * @enum {string}
             */
            unit?: "usd" | "count" | "tokens" | "ms" | "fraction" | "ratio" | "tokens_per_usd" | "usd_per_mtok" | "score" | "tokens_per_second";
        };
        AnalyticsResult: {
            bucket: ("minute" | "hour" | "day" | "week" | "month") | null;
            columns: components["schemas"]["AnalyticsColumn"][];
            /** @description inclusive, milliseconds since the Unix epoch, UTC */
            fromMs: number;
            /** @description how the part of the range past the spans' retention was answered; absent or null: the range is within it */
            retention?: components["schemas"]["RetentionNote"] | null;
            /** @description one object per row keyed by column name; `bucket` is the start of the bucket as ISO-8601 UTC; a dimension without a value is null */
            rows: {
                [key: string]: string | number | null;
            }[];
            /** @description exclusive */
            toMs: number;
            /** @description more rows matched than `limit` */
            truncated: boolean;
        };
        /** @description an Anthropic error: the provider's own, or the gateway's (with lookout_code) */
        AnthropicError: {
            error: {
                /** @description set by the gateway: invalid_path, invalid_lookout_header, budget_exceeded, blocked_by_action, rate_limited_by_action, upstream_unreachable, upstream_timeout, upstream_invalid_response, or a catalog code */
                lookout_code?: string;
                message: string;
                type: string;
            } & {
                [key: string]: unknown;
            };
            /** @constant */
            type: "error";
        };
        ApiKey: {
            /** @description RFC 3339, UTC */
            createdAt: string;
            id: string;
            name: string | null;
            /** @description the first characters of the key, to tell keys apart */
            prefix: string;
            projectId: string;
            revokedAt: string | null;
            /** @enum {string} */
            scope: "ingest" | "read" | "admin";
        };
        Attribution: {
            application: string | null;
            department: string | null;
            environment: string | null;
            feature: string | null;
            sessionId: string | null;
            team: string | null;
            userId: string | null;
        };
        AuditActor: {
            /** @description a person's email at the time */
            email: string | null;
            /** @description the person's user id or the key's id; null for the keyless operator, the system, and callers that were not recognised */
            id: string | null;
            /**
             * @description a signed-in person, an API key, the keyless operator of a loopback-bound server, or Lookout itself
             * @enum {string}
             */
            kind: "user" | "key" | "local" | "system";
        };
        AuditEntry: {
            /** @description what was done: '<resource>.<create|update|delete|verb>', '<action>.denied' for a refused attempt, 'session.login', ... */
            action: string;
            actor: components["schemas"]["AuditActor"];
            /** @description when, RFC 3339 UTC */
            at: string;
            /** @description before/after for settings, the request body otherwise; secrets are "[redacted]" */
            details: {
                [key: string]: unknown;
            } | null;
            id: string;
            /** @description the client's address as the server saw it (X-Forwarded-For only with server.trustProxy) */
            ip: string | null;
            method: string | null;
            /** @description the path, without its query string */
            path: string | null;
            /** @description the project changed ('default' for instance-wide changes) */
            projectId: string;
            /** @description the HTTP status of the answer */
            status: number;
            /** @description what was changed: a budget id, key id, rule id, ... */
            target: string | null;
            userAgent: string | null;
        };
        AuthConfig: {
            /** @description requests without a session or key are refused; false: requests from this machine are the operator */
            keysRequired: boolean;
            /** @description local accounts can sign in with a password (POST /auth/login) */
            local: boolean;
            /** @description an OpenID Connect provider is configured (GET /auth/oidc/login) */
            oidc: {
                /** @description shown on the sign-in button */
                name: string;
            } | null;
        };
        Budget: {
            /** @description ISO-8601 */
            createdAt: string;
            /** @description who created it: a user id or an API key id; null for the operator without a key, budgets made before this was recorded, and tier budgets. A member may change only the budgets they created */
            createdBy: string | null;
            /**
             * @description hard: the gateway refuses calls with 429 once the budget is spent
             * @enum {string}
             */
            enforce: "soft" | "hard";
            id: string;
            /** @description US dollars */
            limitUsd: number;
            name: string | null;
            /** @enum {string} */
            period: "daily" | "monthly";
            projectId: string;
            /** @enum {string} */
            scope: "project" | "team" | "department" | "user";
            /**
             * @description last set by a member, not an admin: budget and forecast alert rules (and the actions they trigger) do not see it
             * @constant
             */
            setByMember?: true;
            /** @description team, department or user id; null for a project budget; '*' for each user */
            subject: string | null;
            /**
             * @description set on the budgets a tier gives (id `tier:<name>`)
             * @enum {string}
             */
            tier?: "free" | "pro" | "enterprise";
            updatedAt: string;
            /** @description ascending, unique */
            warnAtPercent: number[];
        };
        BudgetCheck: {
            /** @description false when a hard budget that applies is spent */
            allowed: boolean;
            /** @description the most specific spent hard budget */
            blockedBy: components["schemas"]["BudgetStatus"] | null;
            budgets: components["schemas"]["BudgetStatus"][];
            department: string | null;
            team: string | null;
            user: string | null;
            warnings: string[];
        };
        BudgetDefinitionInput: {
            /**
             * @description hard: the gateway refuses calls with 429 once the budget is spent; soft (default): only warns
             * @enum {string}
             */
            enforce?: "soft" | "hard";
            /** @description 1-64 letters, digits, _ and -; default: generated */
            id?: string;
            /** @description USD per period, more than 0 and at most 1,000,000,000 */
            limitUsd: number;
            /** @description a label, at most 200 characters */
            name?: string | null;
            /**
             * @description spend is counted per UTC day or UTC month
             * @enum {string}
             */
            period: "daily" | "monthly";
            /**
             * @description whose spend is counted
             * @enum {string}
             */
            scope: "project" | "team" | "department" | "user";
            /** @description the team, department or user id, at most 512 characters; '*' for each user on their own; none for a project budget */
            subject?: string | null;
            /** @description percentages of the limit that warn, at most 10; default [50, 80, 100] */
            warnAtPercent?: number[];
        };
        BudgetStatus: {
            budget: components["schemas"]["Budget"];
            burnRateUsdPerHour: number;
            /** @description spent >= limit */
            exceeded: boolean;
            /** @description forecast >= limit */
            forecastExceeds: boolean;
            /** @description projected spend at periodEnd */
            forecastUsd: number;
            /** @description US dollars */
            limitUsd: number;
            /** @description spent / limit × 100 */
            percent: number;
            /** @description exclusive */
            periodEnd: string;
            /** @description ISO-8601, UTC */
            periodStart: string;
            /** @description never below 0; see `percent` for how far past the limit */
            remainingUsd: number;
            /** @description US dollars */
            spentUsd: number;
            /** @description the team, department or user measured; null for a project budget */
            subject: string | null;
            /** @description the highest warnAtPercent reached */
            warningLevel: number | null;
        };
        BudgetStatusEntry: {
            burnRateUsdPerHour: number;
            /** @description spent >= limit */
            exceeded: boolean;
            /** @description forecast >= limit */
            forecastExceeds: boolean;
            /** @description projected spend at periodEnd */
            forecastUsd: number;
            /** @description US dollars */
            limitUsd: number;
            /** @description spent / limit × 100 */
            percent: number;
            /** @description exclusive */
            periodEnd: string;
            /** @description ISO-8601, UTC */
            periodStart: string;
            /** @description never below 0; see `percent` for how far past the limit */
            remainingUsd: number;
            /** @description US dollars */
            spentUsd: number;
            /** @description the team, department or user measured; null for a project budget */
            subject: string | null;
            /** @description the highest warnAtPercent reached */
            warningLevel: number | null;
        };
        ChargebackMarkup: {
            assignments: {
                /** @enum {string} */
                dimension: "department" | "team" | "application" | "feature";
                tier: string;
                /** @description the department, team, application or feature */
                value: string;
            }[];
            /** @description the tier of groups no assignment names; null: they are billed at cost */
            defaultTier: string | null;
            tiers: {
                /** @description added to the calls' cost, in percent (-100 to 1000; negative: a discount) */
                markupPct: number;
                /** @description the tier, as assignments name it */
                name: string;
            }[];
        };
        ChargebackMarkupInput: {
            assignments: {
                /** @enum {string} */
                dimension: "department" | "team" | "application" | "feature";
                tier: string;
                /** @description the department, team, application or feature */
                value: string;
            }[];
            /** @description the tier of groups no assignment names; null: they are billed at cost */
            defaultTier: string | null;
            tiers: {
                /** @description added to the calls' cost, in percent (-100 to 1000; negative: a discount) */
                markupPct: number;
                /** @description the tier, as assignments name it */
                name: string;
            }[];
        };
        ChargebackOtherCost: {
            /** @description whom the cost is billed to */
            assignTo: {
                /** @enum {string} */
                dimension: "department" | "team" | "application" | "feature";
                value: string;
            };
            /** @enum {string} */
            category: "embedding_storage" | "vector_db" | "compute" | "other";
            createdAt: string;
            /** @description the first month billed, YYYY-MM */
            fromMonth: string;
            id: string;
            name: string;
            pricing: {
                /** @description US dollars a month, as decimal text */
                monthlyUsd: string;
                /** @constant */
                type: "fixed";
            } | {
                /** @description units a month (requests for per_1k_requests), counted to 0.001 */
                quantity: number;
                /** @constant */
                type: "per_unit";
                /** @enum {string} */
                unit: "per_1k_requests" | "per_gb_month" | "per_hour";
                /** @description US dollars per unit (per 1,000 requests for per_1k_requests), as decimal text */
                unitPriceUsd: string;
            };
            toMonth: string | null;
            updatedAt: string;
        };
        /** @description An other cost's part of a group's bill for the month */
        ChargebackOtherCostLine: {
            category: string;
            /** @description US dollars */
            costUsd: number;
            /** @description the exact sum in US dollars, 9 decimals */
            costUsdDecimal: string;
            id: string;
            name: string;
        };
        ChargebackOtherCosts: {
            costs: components["schemas"]["ChargebackOtherCost"][];
        };
        ChargebackReport: {
            by: ("department" | "team" | "application" | "feature")[];
            /** @constant */
            currency: "USD";
            /** @description inclusive, milliseconds since the Unix epoch, UTC */
            fromMs: number;
            /** @description YYYY-MM */
            month: string;
            /** @description how the part of the range past the spans' retention was answered; absent or null: the range is within it */
            retention?: components["schemas"]["RetentionNote"] | null;
            rows: components["schemas"]["ChargebackRow"][];
            /** @description exclusive */
            toMs: number;
            totals: {
                /** @description US dollars */
                billedUsd: number;
                /** @description the exact sum in US dollars, 9 decimals */
                billedUsdDecimal: string;
                /** @description US dollars */
                costUsd: number;
                /** @description the exact sum in US dollars, 9 decimals */
                costUsdDecimal: string;
                inputTokens: number;
                /** @description US dollars */
                markupUsd: number;
                /** @description the exact sum in US dollars, 9 decimals */
                markupUsdDecimal: string;
                /** @description US dollars */
                otherCostUsd: number;
                /** @description the exact sum in US dollars, 9 decimals */
                otherCostUsdDecimal: string;
                outputTokens: number;
                requests: number;
                totalTokens: number;
                unknownCostRequests: number;
            };
        };
        /** @description One row per combination of the `by` dimensions; a missing value is '(unattributed)'. */
        ChargebackRow: {
            application?: string;
            /** @description US dollars */
            billedUsd: number;
            /** @description cost + markup + other costs, 9 decimals */
            billedUsdDecimal: string;
            /** @description US dollars */
            costUsd: number;
            /** @description the exact sum in US dollars, 9 decimals */
            costUsdDecimal: string;
            department?: string;
            feature?: string;
            /** @description input + cache read + cache write */
            inputTokens: number;
            /** @description US dollars */
            markupUsd: number;
            /** @description the markup of the group's tiers on its calls' cost, 9 decimals */
            markupUsdDecimal: string;
            /** @description the other costs assigned to the group, each its own line */
            otherCosts: components["schemas"]["ChargebackOtherCostLine"][];
            /** @description US dollars */
            otherCostUsd: number;
            /** @description the sum of the other costs, 9 decimals */
            otherCostUsdDecimal: string;
            /** @description output + reasoning */
            outputTokens: number;
            requests: number;
            /** @description of the month's known cost; rounded to 0.01 so that the rows sum to exactly 100 */
            sharePct: number;
            team?: string;
            /** @description the markup tiers of the group's calls */
            tiers: string[];
            totalTokens: number;
            unknownCostRequests: number;
        };
        Comparison: {
            baseline: {
                /**
                 * @description the baseline parameter, the first of values, or else the group whose first call in the range came first
                 * @enum {string}
                 */
                chosenBy: "baseline_parameter" | "first_value" | "earliest_first_call";
                /** @description null when the baseline group has no calls in the range (then no group is tested) */
                value: string | null;
            };
            by: string;
            confidenceLevel: number;
            /** @constant */
            correction: "holm";
            feature: string | null;
            fromMs: number;
            /** @description the baseline first */
            groups: {
                baseline: boolean;
                calls: number;
                errors: number;
                /** @description the group's failed calls, likewise */
                errorTraces: {
                    [key: string]: string;
                };
                /** @description the group's first call in the range, epoch ms */
                firstMs: number;
                lastMs: number;
                /** @description the latency figures rest on a deterministic sample of the calls, not every one */
                latencySampled: boolean;
                latencySampleSize: number;
                /** @description one cell per metric, in the order of `metrics` */
                metrics: {
                    /** @description null in the baseline's own column */
                    comparison: {
                        /** @description Holm-adjusted over every test of the comparison */
                        adjustedPValue: number;
                        /** @description this group's figure minus the baseline's */
                        difference: number | null;
                        /** @description of the difference, for means; null for the other figures */
                        differenceInterval: {
                            high: number | null;
                            /** @description null: the data bound no end on this side */
                            low: number | null;
                        } | null;
                        /** @description two-sided, before adjustment */
                        pValue: number;
                        /** @description difference over the baseline's figure (-0.3: 30% below); null when that is 0 */
                        relativeDifference: number | null;
                        /** @description adjustedPValue below significanceLevel */
                        significant: boolean;
                        /** @description the test's statistic; positive when this group's figure is the larger */
                        statistic: number;
                        /**
                         * @description welch_t for means; quantile_exceedance_z or _fisher for p50 (the median test) and p95; two_proportion_z or fisher_exact for the error rate (mann_whitney_u is no longer given)
                         * @enum {string}
                         */
                        test: "welch_t" | "mann_whitney_u" | "quantile_exceedance_z" | "quantile_exceedance_fisher" | "two_proportion_z" | "fisher_exact";
                        /**
                         * @description better/worse: significant, in a metric whose better direction is known; higher/lower: significant, in a score whose direction is not; insufficient_data: a side has too few values to test
                         * @enum {string}
                         */
                        verdict: "better" | "worse" | "higher" | "lower" | "no_significant_difference" | "insufficient_data";
                    } | null;
                    interval: {
                        high: number | null;
                        /** @description null: the data bound no end on this side */
                        low: number | null;
                    } | null;
                    /** @description fewer values than the metric's minimumSample */
                    lowSample: boolean;
                    metric: string;
                    /** @description the values the figure rests on */
                    n: number;
                    value: number | null;
                    warning: string | null;
                }[];
                /** @description the group's newest traces (/traces/<id>) */
                sampleTraceIds: string[];
                /** @description the group's calls: the query of GET /api/v1/traces and of the UI's /traces */
                traces: {
                    [key: string]: string;
                };
                /** @description the group's value of `by` */
                value: string;
                /** @description the cells resting on too few values */
                warnings: string[];
            }[];
            metrics: {
                /** @description which way a difference counts as better; null for a score whose direction is not known (its differences read higher or lower) */
                better: ("lower" | "higher") | null;
                /** @description where `better` comes from: the metric itself, the request's lowerIsBetter/higherIsBetter, or a Lookout evaluator of the score's name (1 = best); null when unknown */
                betterFrom: ("metric" | "parameter" | "evaluator") | null;
                /** @enum {string} */
                estimate: "mean" | "median" | "p95" | "proportion";
                label: string;
                /** @description cost_per_call, input_tokens_per_call, output_tokens_per_call, latency_p50, latency_p95, error_rate, or score:<name> */
                metric: string;
                /** @description a cell resting on fewer values carries a warning */
                minimumSample: number;
                /** @enum {string} */
                unit: "usd" | "tokens" | "ms" | "ratio" | "score";
            }[];
            /** @description the prompt whose calls are compared, when asked */
            prompt: string | null;
            significanceLevel: number;
            toMs: number;
            /** @description what makes the whole comparison doubtful: by prompt_version without prompt, groups holding the calls of several prompts */
            warnings: string[];
        };
        ConfiguredAction: {
            dryRun: boolean;
            id: string;
            /** @enum {string} */
            kind: "switchModel" | "responseCache" | "rateLimit" | "block" | "fallback";
            params: components["schemas"]["ActionParams"];
            revertOnResolve: boolean;
            when: {
                alertname?: string;
                matchers: string[];
            };
        };
        ContentPurgeResult: {
            /** @description the database file still holds the old row versions until the server stops */
            compactsOnStop: boolean;
            /** @description logs changed */
            logs: number;
            /** @description spans changed */
            spans: number;
        };
        Cost: {
            byBucketNanoUsd: {
                [key: string]: number;
            };
            catalogVersion: string | null;
            /** @description the price row that produced the cost: 'catalog:openai/gpt-4o' or 'override:<id>' */
            priceRowId: string | null;
            /** @enum {string} */
            status: "priced" | "unknown_model" | "provider_reported" | "not_applicable";
            /** @description integer nano-dollars (1e-9 USD); null when the cost is not known */
            totalNanoUsd: number | null;
        };
        CostForecast: {
            /** @description ISO-8601 */
            asOf: string;
            /** @enum {string} */
            confidence: "low" | "medium" | "high";
            daysWithData: number;
            lookbackDays: number;
            /** @description US dollars */
            monthToDateUsd: number;
            /** @description US dollars */
            movingAverage7dUsd: number;
            projectedAnnualUsd: {
                /** @description US dollars */
                movingAverage: number;
                /** @description US dollars */
                trend: number;
            };
            projectedMonthEndUsd: {
                /** @description US dollars */
                movingAverage: number;
                /** @description US dollars */
                trend: number;
            };
            projectedNext7DaysUsd: {
                /** @description US dollars */
                movingAverage: number;
                /** @description US dollars */
                trend: number;
            };
            /** @description fractional: the rest of today plus the whole days after it */
            remainingDaysInMonth: number;
            /** @description how the part of the range past the spans' retention was answered; absent or null: the range is within it */
            retention?: components["schemas"]["RetentionNote"] | null;
            /** @description the complete UTC days before today the fit uses; today is partial and left out */
            series: {
                /** @description US dollars */
                costUsd: number;
                date: string;
                /** @description mean of this day and the (up to) 6 days before it in the window */
                movingAverage7dUsd: number;
                /** @description the fitted line on this day, floored at 0 */
                trendUsd: number;
            }[];
            trend: {
                interceptUsd: number;
                r2: number | null;
                slopeUsdPerDay: number;
                /** @description US dollars */
                todayUsd: number;
            };
        };
        DailyTrendRow: {
            /** @description US dollars */
            costUsd: number;
            /** @description YYYY-MM-DD, UTC */
            date: string;
            requests: number;
            totalTokens: number;
            unknownCostRequests: number;
        };
        Delivery: {
            alerts: number;
            atMs: number;
            attempts: number;
            durationMs: number;
            error: string | null;
            fingerprints: string[];
            groupKey: string;
            httpStatus: number | null;
            id: string;
            ok: boolean;
            projectId: string;
            receiver: string;
            /** @enum {string} */
            status: "firing" | "resolved";
            /** @enum {string} */
            type: "webhook" | "slack" | "pagerduty" | "alertmanager";
        };
        ErasureCounts: {
            logs: number;
            metricPoints: number;
            /** @description hourly totals summed again without the erased calls */
            rollupHours: number;
            scores: number;
            spans: number;
        };
        ErasureJob: {
            /** @description the database file keeps the erased rows in free blocks until the server stops and rewrites it */
            compactsOnStop: boolean;
            /** @description what was deleted; null until done */
            counts: components["schemas"]["ErasureCounts"] | null;
            error: string | null;
            finishedAt: string | null;
            id: string;
            project: string;
            /** @description RFC 3339, UTC */
            requestedAt: string;
            /** @description who asked: the API key's id, 'user:<id> (<email>)' for a signed-in person, or 'operator' (no key, on a loopback-bound server) */
            requestedBy: string;
            /** @description the address the request came from */
            requestedFrom: string | null;
            /** @enum {string} */
            status: "running" | "done" | "failed";
            target: {
                /** @description a keyed hash of the erased id (the project's content hash key): the id itself is not kept */
                idHash: string | null;
                /** @enum {string} */
                kind: "user" | "session" | "trace" | "project";
            };
        };
        Error: {
            error: {
                /**
                 * @description a code of the catalog in docs/errors.md
                 * @enum {string}
                 */
                code: "invalid_json" | "invalid_utf8" | "invalid_request" | "invalid_parameter" | "unauthorized" | "forbidden" | "host_not_allowed" | "cross_site_request" | "not_found" | "method_not_allowed" | "conflict" | "body_too_large" | "batch_too_large" | "unsupported_media_type" | "queue_full" | "too_many_queries" | "too_many_sign_ins" | "query_timeout" | "store_unavailable" | "shutting_down" | "identity_provider_unavailable" | "invalid_config" | "invalid_argument" | "outbound_refused" | "judge_failed" | "internal";
                details?: unknown;
                /** @description what is wrong and what to do, naming the parameter or field */
                message: string;
                retryable: boolean;
            };
        };
        ErrorIssue: {
            count: number;
            errorClass: string | null;
            /** @description <error class>:<hash of the class and the normalised message> */
            fingerprint: string;
            /** @description ISO 8601, UTC */
            firstSeen: string;
            /** @description ISO 8601, UTC */
            lastSeen: string;
            /** @description the newest occurrence's message, as stored (redacted; null when content capture keeps no messages) */
            sampleMessage: string | null;
            /** @description up to 5 traces of the group, newest first */
            traceIds: string[];
        };
        EvaluationTrial: {
            /** @description the judge call's cost; null for heuristics */
            costUsd: number | null;
            error: string | null;
            evaluatorId: string;
            /** @enum {string} */
            outcome: "scored" | "not_applicable" | "failed";
            /** @description why: what failed, or the judge's reasoning */
            reasoning: string | null;
            /** @description the call scored (heuristics); null for a judgement of the whole trace */
            spanId: string | null;
            traceId: string;
            /** @description 0 to 1; 1 = passed */
            value: number | null;
        };
        Evaluator: {
            createdAt: string;
            /** @enum {string} */
            criterion: "empty_output" | "refusal" | "invalid_json" | "json_schema" | "length" | "regex" | "language" | "latency_slo" | "cost_slo" | "correctness" | "relevance" | "helpfulness" | "safety" | "faithfulness" | "reference_correctness" | "custom";
            enabled: boolean;
            filter: {
                /** @description only calls of this application */
                application?: string;
                /** @description only calls of this feature */
                feature?: string;
                /** @description only calls of this model (requested or answered) */
                model?: string;
            };
            id: string;
            judge: {
                /** @description whether the evaluator has an API key of its own (the key itself is never returned) */
                apiKeySet: boolean;
                baseUrl?: string;
                model?: string;
                template?: {
                    system: string;
                    user: string;
                    version: string;
                };
            } | null;
            /** @enum {string} */
            kind: "heuristic" | "llm_judge";
            name: string;
            /**
             * @description config: defined in the server's config file, read-only through the API
             * @enum {string}
             */
            origin: "api" | "config";
            params: {
                /** @description language: the expected language (ISO 639-1); absent = the input's language */
                language?: string;
                /** @description length: the output has at most this many characters */
                maxChars?: number;
                /** @description cost_slo: the dearest acceptable call, in USD */
                maxCostUsd?: number;
                /** @description latency_slo: the slowest acceptable call */
                maxLatencyMs?: number;
                /** @description length: the output has at least this many characters */
                minChars?: number;
                /** @description regex: true (the default) = the output must match, false = must not match */
                mustMatch?: boolean;
                /** @description regex: an RE2 expression (linear time: no backreferences or lookaround), at most 500 characters */
                pattern?: string;
                /** @description json_schema: the JSON Schema (draft-07) the output must conform to, at most 32768 characters as JSON */
                schema?: unknown;
            };
            sampleRate: number;
            updatedAt: string;
        };
        Health: {
            /** @constant */
            status: "ok";
        };
        HealthScoreGroup: {
            components: {
                /** @description 0..100; null when the group lacks it (its weight goes to the others) */
                cost: number | null;
                /** @description 0..100; null when the group lacks it (its weight goes to the others) */
                errors: number | null;
                /** @description 0..100; null when the group lacks it (its weight goes to the others) */
                latency: number | null;
                /** @description 0..100; null when the group lacks it (its weight goes to the others) */
                quality: number | null;
            };
            costPerRequestUsd: number | null;
            errorRate: number | null;
            errors: number;
            /** @description 0..100; null when no component is known */
            health: number | null;
            /** @description the feature or application; null: calls without one */
            key: string | null;
            latencyP95Ms: number | null;
            latencyTargetMs: number;
            requests: number;
            scoreAvg: number | null;
        };
        HealthScores: {
            /** @enum {string} */
            by: "feature" | "application";
            /** @description ISO 8601, UTC */
            from: string;
            groups: components["schemas"]["HealthScoreGroup"][];
            /** @description the median of the groups' cost per request: the cost component's reference */
            medianCostPerRequestUsd: number | null;
            /** @description ISO 8601, UTC */
            to: string;
            /** @description of each component (docs/quality.md#health-score) */
            weights: {
                cost: number;
                errors: number;
                latency: number;
                quality: number;
            };
        };
        /** @description Items are validated one by one: a bad item is refused with a message naming its fields while the others are stored. Timestamps are RFC 3339 strings or epoch milliseconds. */
        IngestBatchInput: {
            batch: components["schemas"]["IngestItemInput"][];
        };
        IngestItemInput: {
            /** @description attribution: the application */
            application?: string | null;
            /** @description USD, a cost you already know: stored as provider_reported instead of priced from the catalog */
            costUsd?: number | null;
            /** @description attribution: the owning department */
            department?: string | null;
            /** @description milliseconds, at most a day; instead of endTime */
            durationMs?: number;
            /** @description a time, as startTime; not before startTime; or give durationMs */
            endTime?: string | number;
            /** @description attribution: e.g. production, staging */
            environment?: string | null;
            /** @description what kind of failure, when status is error */
            errorClass?: ("rate_limit" | "timeout" | "server" | "invalid_request" | "content_filter" | "auth" | "cancelled" | "other") | null;
            /** @description kept below content capture full only when a bare type name or code */
            errorMessage?: string | null;
            /** @description attribution: the product feature */
            feature?: string | null;
            /** @description why the model stopped, as the provider says */
            finishReason?: string | null;
            /** @description event id; traceId and spanId, when absent, are derived from it so that a retry is recognised */
            id?: string;
            /** @description the prompt, text or JSON; stored per the project's content capture, its hash kept */
            input?: (string | unknown[] | {
                [key: string]: unknown;
            }) | null;
            /**
             * @description at most 100 keys, strings at most 10,000 characters; group and filter by metadata.<key>
             * @default {}
             */
            metadata?: {
                [key: string]: string | number | boolean;
            };
            /** @description the model asked for */
            model?: string | null;
            /** @description default "<kind> <model>" */
            name?: string;
            /** @description the response, text or JSON; stored per the project's content capture, its hash kept */
            output?: (string | unknown[] | {
                [key: string]: unknown;
            }) | null;
            /** @description 16 hex characters: the span this one is part of */
            parentSpanId?: string | null;
            /** @description the prompt the call was made from; group and filter analytics by prompt, prompt_version and variant */
            prompt?: {
                /** @description the prompt's name, e.g. support-answer */
                name?: string;
                /** @description the template variables it was filled with: content, kept under full capture only, at most 64 and 16 KiB as JSON (the rest is left out) */
                variables?: {
                    [key: string]: string | number | boolean;
                };
                /** @description the experiment variant the call belongs to, e.g. B */
                variant?: string;
                /** @description its version, e.g. 5 or v5 */
                version?: string | number;
            } | null;
            /** @description e.g. openai, anthropic */
            provider?: string | null;
            /** @description your request id, for correlation */
            requestId?: string | null;
            /** @description the model that served the call; priced in preference to model */
            responseModel?: string | null;
            /** @description attribution: the conversation or session */
            sessionId?: string | null;
            /** @description 16 hex characters; generated when absent (derived from id when given) */
            spanId?: string;
            /** @description a time (docs/api.md, times and durations): RFC 3339 with Z or an offset, or epoch seconds or milliseconds; after 2000-01-01 and at most 24 h in the future */
            startTime: string | number;
            /**
             * @default ok
             * @enum {string}
             */
            status?: "ok" | "error" | "cancelled";
            /**
             * @description at most 50; filter with ?tag=
             * @default []
             */
            tags?: string[];
            /** @description attribution: the owning team */
            team?: string | null;
            /** @description 32 hex characters; generated when absent (derived from id when given) */
            traceId?: string;
            /** @description milliseconds to the first token of a streamed call */
            ttftMs?: number | null;
            /** @constant */
            type: "generation";
            /**
             * @description token counts: whole, non-negative
             * @default {}
             */
            usage?: {
                /** @description audio tokens */
                audio?: number;
                /** @description prompt tokens read from the provider cache */
                cacheRead?: number;
                /** @description prompt tokens written to the provider cache */
                cacheWrite?: number;
                /** @description prompt tokens */
                input?: number;
                /** @description `input` counts the cached tokens too (as OpenAI's `prompt_tokens`); default true, false for provider `anthropic` */
                inputIncludesCache?: boolean;
                /** @description completion tokens */
                output?: number;
                /** @description `output` counts the reasoning tokens too (as OpenAI's `completion_tokens`); default true */
                outputIncludesReasoning?: boolean;
                /** @description reasoning tokens */
                reasoning?: number;
            };
            /** @description attribution: the end user */
            userId?: string | null;
        } | {
            /** @description attribution: the application */
            application?: string | null;
            /** @description USD, a cost you already know: stored as provider_reported instead of priced from the catalog */
            costUsd?: number | null;
            /** @description attribution: the owning department */
            department?: string | null;
            /** @description milliseconds, at most a day; instead of endTime */
            durationMs?: number;
            /** @description a time, as startTime; not before startTime; or give durationMs */
            endTime?: string | number;
            /** @description attribution: e.g. production, staging */
            environment?: string | null;
            /** @description what kind of failure, when status is error */
            errorClass?: ("rate_limit" | "timeout" | "server" | "invalid_request" | "content_filter" | "auth" | "cancelled" | "other") | null;
            /** @description kept below content capture full only when a bare type name or code */
            errorMessage?: string | null;
            /** @description attribution: the product feature */
            feature?: string | null;
            /** @description why the model stopped, as the provider says */
            finishReason?: string | null;
            /** @description event id; traceId and spanId, when absent, are derived from it so that a retry is recognised */
            id?: string;
            /** @description the prompt, text or JSON; stored per the project's content capture, its hash kept */
            input?: (string | unknown[] | {
                [key: string]: unknown;
            }) | null;
            /**
             * @description what the step does
             * @default other
             * @enum {string}
             */
            kind?: "generation" | "embedding" | "retrieval" | "tool" | "agent" | "chain" | "other";
            /**
             * @description at most 100 keys, strings at most 10,000 characters; group and filter by metadata.<key>
             * @default {}
             */
            metadata?: {
                [key: string]: string | number | boolean;
            };
            /** @description the model asked for */
            model?: string | null;
            /** @description default "<kind> <model>" */
            name?: string;
            /** @description the response, text or JSON; stored per the project's content capture, its hash kept */
            output?: (string | unknown[] | {
                [key: string]: unknown;
            }) | null;
            /** @description 16 hex characters: the span this one is part of */
            parentSpanId?: string | null;
            /** @description the prompt the call was made from; group and filter analytics by prompt, prompt_version and variant */
            prompt?: {
                /** @description the prompt's name, e.g. support-answer */
                name?: string;
                /** @description the template variables it was filled with: content, kept under full capture only, at most 64 and 16 KiB as JSON (the rest is left out) */
                variables?: {
                    [key: string]: string | number | boolean;
                };
                /** @description the experiment variant the call belongs to, e.g. B */
                variant?: string;
                /** @description its version, e.g. 5 or v5 */
                version?: string | number;
            } | null;
            /** @description e.g. openai, anthropic */
            provider?: string | null;
            /** @description your request id, for correlation */
            requestId?: string | null;
            /** @description the model that served the call; priced in preference to model */
            responseModel?: string | null;
            /** @description attribution: the conversation or session */
            sessionId?: string | null;
            /** @description 16 hex characters; generated when absent (derived from id when given) */
            spanId?: string;
            /** @description a time (docs/api.md, times and durations): RFC 3339 with Z or an offset, or epoch seconds or milliseconds; after 2000-01-01 and at most 24 h in the future */
            startTime: string | number;
            /**
             * @default ok
             * @enum {string}
             */
            status?: "ok" | "error" | "cancelled";
            /**
             * @description at most 50; filter with ?tag=
             * @default []
             */
            tags?: string[];
            /** @description attribution: the owning team */
            team?: string | null;
            /** @description 32 hex characters; generated when absent (derived from id when given) */
            traceId?: string;
            /** @description milliseconds to the first token of a streamed call */
            ttftMs?: number | null;
            /** @constant */
            type: "span";
            /**
             * @description token counts: whole, non-negative
             * @default {}
             */
            usage?: {
                /** @description audio tokens */
                audio?: number;
                /** @description prompt tokens read from the provider cache */
                cacheRead?: number;
                /** @description prompt tokens written to the provider cache */
                cacheWrite?: number;
                /** @description prompt tokens */
                input?: number;
                /** @description `input` counts the cached tokens too (as OpenAI's `prompt_tokens`); default true, false for provider `anthropic` */
                inputIncludesCache?: boolean;
                /** @description completion tokens */
                output?: number;
                /** @description `output` counts the reasoning tokens too (as OpenAI's `completion_tokens`); default true */
                outputIncludesReasoning?: boolean;
                /** @description reasoning tokens */
                reasoning?: number;
            };
            /** @description attribution: the end user */
            userId?: string | null;
        } | {
            comment?: string | null;
            /**
             * @description when given, value must be of that type
             * @enum {string}
             */
            dataType?: "numeric" | "categorical" | "boolean";
            /** @description score id; a score sent again with it is a duplicate */
            id: string;
            /**
             * @description what the evaluator says about its score; at most 100 keys, strings at most 10,000 characters
             * @default {}
             */
            metadata?: {
                [key: string]: string | number | boolean;
            };
            /** @description e.g. helpfulness */
            name: string;
            /**
             * @description who gave the score
             * @default api
             * @enum {string}
             */
            source?: "api" | "user" | "evaluator" | "annotation" | "sdk" | "heuristic" | "llm_judge";
            /** @description 16 hex characters: the span scored, if one */
            spanId?: string | null;
            /** @description a time, as startTime; default: when received */
            timestamp?: string | number;
            /** @description 32 hex characters: the trace scored */
            traceId: string;
            /** @constant */
            type: "score";
            /** @description who gave the score */
            userId?: string | null;
            /** @description a number, a category or a boolean, as dataType says */
            value: number | string | boolean;
        } | {
            /**
             * @description at most 100, values at most 10,000 characters
             * @default {}
             */
            attributes?: {
                [key: string]: string | number | boolean;
            };
            /** @description the message, at most 100,000 characters */
            body: string;
            /** @description log id; a log sent again with it is a duplicate */
            id: string;
            /**
             * @default info
             * @enum {string}
             */
            severity?: "debug" | "info" | "warn" | "error";
            /** @description 16 hex characters: the span the record belongs to */
            spanId?: string | null;
            /** @description a time, as startTime; default: when received */
            timestamp?: string | number;
            /** @description 32 hex characters: the trace the record belongs to */
            traceId?: string | null;
            /** @constant */
            type: "log";
        };
        IngestItemResult: {
            /** @description why the item was refused, field by field */
            error?: string;
            id?: string;
            /** @description the position of the item in the batch */
            index: number;
            spanId?: string;
            /**
             * @description duplicate: stored before, by id; nothing changed
             * @enum {string}
             */
            status: "accepted" | "duplicate" | "rejected";
            traceId?: string;
            /** @description null when the item had no known type */
            type: string | null;
        };
        /** @description some or all items refused: see results[].error */
        IngestPartialResult: {
            accepted: number;
            duplicates: number;
            error: {
                /**
                 * @description a code of the catalog in docs/errors.md
                 * @enum {string}
                 */
                code: "invalid_json" | "invalid_utf8" | "invalid_request" | "invalid_parameter" | "unauthorized" | "forbidden" | "host_not_allowed" | "cross_site_request" | "not_found" | "method_not_allowed" | "conflict" | "body_too_large" | "batch_too_large" | "unsupported_media_type" | "queue_full" | "too_many_queries" | "too_many_sign_ins" | "query_timeout" | "store_unavailable" | "shutting_down" | "identity_provider_unavailable" | "invalid_config" | "invalid_argument" | "outbound_refused" | "judge_failed" | "internal";
                details?: unknown;
                /** @description what is wrong and what to do, naming the parameter or field */
                message: string;
                retryable: boolean;
            };
            rejected: number;
            /** @description one per item, in the order of the batch */
            results: components["schemas"]["IngestItemResult"][];
        };
        /** @description every item stored (or stored before) */
        IngestResult: {
            accepted: number;
            duplicates: number;
            rejected: number;
            /** @description one per item, in the order of the batch */
            results: components["schemas"]["IngestItemResult"][];
        };
        LatencyBand: {
            fromMs: number;
            requests: number;
            /** @description exclusive; null for the last band */
            toMs: number | null;
        };
        ListedSilence: {
            active: boolean;
            comment: string;
            createdAtMs: number;
            createdBy: string;
            endsAtMs: number;
            id: string;
            matchers: {
                isEqual: boolean;
                isRegex: boolean;
                name: string;
                value: string;
            }[];
            projectId: string;
            startsAtMs: number;
        };
        Log: {
            attributes: {
                [key: string]: string;
            };
            body: string;
            id: string;
            projectId: string;
            /** @enum {string} */
            severity: "debug" | "info" | "warn" | "error";
            spanId: string | null;
            timestampUs: number;
            traceId: string | null;
        };
        LowScoreIssue: {
            /** @description mean of the low scores */
            avg: number;
            /** @description scores below the threshold */
            count: number;
            /** @description the scored trace's feature */
            feature: string | null;
            /** @description ISO 8601, UTC */
            firstSeen: string;
            /** @description ISO 8601, UTC */
            lastSeen: string;
            /** @description the score name (the criterion) */
            name: string;
            /** @description numeric scores of the group in the range */
            total: number;
            /** @description up to 5 traces of the group, newest first */
            traceIds: string[];
        };
        ManagedUser: {
            /** @description whether the caller may change the account itself (name, password, disabled): always for the instance operator; for a project admin, only when the person has no role in another project (which projects is not said) */
            accountEditable: boolean;
            createdAt: string;
            /** @description a disabled person cannot sign in, and their sessions have ended */
            disabled: boolean;
            email: string;
            id: string;
            lastSignInAt: string | null;
            /** @description the person's role in each project */
            memberships: components["schemas"]["Membership"][];
            name: string | null;
            /**
             * @description local: signs in with a password; oidc: with the OpenID Connect provider
             * @enum {string}
             */
            source: "local" | "oidc";
        };
        Me: {
            /** @description a person's CSRF token: send it in header x-csrf-token with every change; null for keys */
            csrfToken: string | null;
            /**
             * @description the caller's grant there: a key's scope, or a person's role (viewer is read)
             * @enum {string}
             */
            grant: "ingest" | "read" | "member" | "admin";
            /**
             * @description user: a person signed in; key: an API key; local: the keyless operator of a loopback-bound server
             * @enum {string}
             */
            kind: "user" | "key" | "local";
            /** @description a person's projects and roles (the UI's project picker); empty for keys */
            memberships: components["schemas"]["Membership"][];
            /** @description the instance operator (an admin acting in the default project, or the keyless local operator) */
            operator: boolean;
            /** @description the project the request acts in */
            projectId: string;
            /** @description a person's role in the project; null for keys */
            role: ("viewer" | "member" | "admin") | null;
            user: {
                email: string;
                id: string;
                name: string | null;
            } | null;
        };
        Membership: {
            projectId: string;
            /** @enum {string} */
            role: "viewer" | "member" | "admin";
        };
        MetricName: {
            kind: string;
            lastSeen: string;
            name: string;
            points: number;
            series: number;
            unit: string;
        };
        MetricSeries: {
            attributes: {
                [key: string]: string;
            };
            avg: number | null;
            bounds: number[];
            bucketCounts: number[];
            /** @description histograms */
            count: number | null;
            kind: string;
            max: number | null;
            min: number | null;
            points: number;
            service: string | null;
            sum: number | null;
            temporality: string;
            /** @description sums and gauges */
            value: number | null;
        };
        ModelEfficiencyRow: {
            costPerRequestUsd: number | null;
            /** @description US dollars */
            costUsd: number;
            inputTokens: number;
            latencyAvgMs: number | null;
            model: string | null;
            outputTokens: number;
            provider: string | null;
            requests: number;
            tokensPerDollar: number | null;
            tokensPerRequest: number | null;
            totalTokens: number;
            unknownCostRequests: number;
            usdPer1kTokens: number | null;
            usdPerMtok: number | null;
        };
        NewPriceOverrideInput: {
            /** @description USD per million audio tokens; default: the input price */
            audioPerMtokUsd?: number | null;
            /** @description USD per million cache-read tokens; default: the input price */
            cacheReadPerMtokUsd?: number | null;
            /** @description USD per million cache-write tokens; default: the input price */
            cacheWritePerMtokUsd?: number | null;
            /** @description date or date-time the price applies from (inclusive) to calls starting then; default: always */
            effectiveFrom?: string;
            /** @description date or date-time the price ends (exclusive); default: never */
            effectiveTo?: string | null;
            /** @description at most 200 characters; default: derived from the content, so the same entry keeps its id */
            id?: string;
            /** @description USD per million input tokens */
            inputPerMtokUsd: number;
            /** @description a model name (acme-llm-1), or a prefix ending in "*" (acme-*) */
            model: string;
            /** @description USD per million output tokens */
            outputPerMtokUsd: number;
            /** @description e.g. acme; absent or null: any provider */
            provider?: string | null;
            /** @description USD per million reasoning tokens; default: the output price */
            reasoningPerMtokUsd?: number | null;
        };
        NotReady: {
            /** @constant */
            status: "shutting down";
        };
        /** @description an OpenAI error: the provider's own, or the gateway's (its message starts with 'Lookout') */
        OpenAiError: {
            error: {
                /** @description from the gateway: invalid_path, invalid_lookout_header, budget_exceeded, blocked_by_action, rate_limited_by_action, upstream_unreachable, upstream_timeout, upstream_invalid_response, or a catalog code */
                code: string | null;
                message: string;
                param: string | null;
                type: string;
            } & {
                [key: string]: unknown;
            };
        };
        /** @description google.rpc.Status, in the encoding of the request (JSON when its Content-Type was not understood) */
        OtlpStatus: {
            /** @description google.rpc.Code */
            code: number;
            /** @description a google.rpc.BadRequest naming the fields of an undecodable export */
            details: ({
                "@type": string;
            } & {
                [key: string]: unknown;
            })[];
            message: string;
        };
        PriceOverride: {
            audioPerMtokUsd?: number | null;
            cacheReadPerMtokUsd?: number | null;
            cacheWritePerMtokUsd?: number | null;
            /** @description RFC 3339, UTC, inclusive */
            effectiveFrom: string;
            /** @description RFC 3339, UTC, exclusive; null: open-ended */
            effectiveTo: string | null;
            id: string;
            /** @description USD per million tokens */
            inputPerMtokUsd: number;
            /** @description an exact model name, or a prefix ending in "*" */
            model: string;
            /** @description USD per million tokens */
            outputPerMtokUsd: number;
            /** @description null: any provider */
            provider: string | null;
            reasoningPerMtokUsd?: number | null;
            /**
             * @description file: from pricing.overridesFile, reloaded at start; api: added with POST
             * @enum {string}
             */
            source: "file" | "api";
        };
        PrivacySettings: {
            custom: {
                name: string;
                pattern: string;
            }[];
            /** @enum {string} */
            gatewayInjection: "detect" | "block";
            modes: {
                [key: string]: "mask" | "hash" | "drop" | "keep";
            };
        };
        Project: {
            /**
             * @description what the project keeps of prompts and responses
             * @enum {string}
             */
            contentCapture: "full" | "metadata" | "off";
            /** @description RFC 3339, UTC */
            createdAt: string;
            id: string;
            name: string;
        };
        ProjectDeletion: {
            /** @description the database file keeps the deleted rows in free blocks until the server stops and rewrites it */
            compactsOnStop: boolean;
            /** @description what was deleted; null until done */
            counts: components["schemas"]["ErasureCounts"] | null;
            /** @description the erasure job that removed the project's records */
            erasureId: string | null;
            /** @description why it failed; asking again runs it again */
            error: string | null;
            /** @description RFC 3339, UTC; null while running */
            finishedAt: string | null;
            /** @description the deletion id, for GET /api/v1/project-deletions/{id} */
            id: string;
            project: string;
            /** @description RFC 3339, UTC */
            requestedAt: string;
            /** @description who asked: the API key's id, 'user:<id> (<email>)' for a signed-in person, or 'operator' (a keyless request to a loopback-bound server) */
            requestedBy: string;
            /** @enum {string} */
            status: "running" | "done" | "failed";
        };
        /** @description a text prompt (a string) or chat messages ({role, content}); {{variable}} marks a place the application fills in */
        PromptBody: string | components["schemas"]["PromptChatMessage"][];
        /** @description a text prompt (a string) or chat messages ({role, content}); {{variable}} marks a place the application fills in */
        PromptBodyInput: string | components["schemas"]["PromptChatMessageInput"][];
        PromptChatMessage: {
            content: string;
            /** @enum {string} */
            role: "system" | "developer" | "user" | "assistant" | "tool";
        };
        PromptChatMessageInput: {
            content: string;
            /** @enum {string} */
            role: "system" | "developer" | "user" | "assistant" | "tool";
        };
        PromptLabel: {
            label: string;
            name: string;
            updatedAt: string;
            updatedBy: string | null;
            version: number;
        };
        PromptList: {
            limits: {
                /** @description the bytes all versions of the project's prompts may hold together (text, parameters, model, message) */
                bytesPerProject?: number;
                labelsPerPrompt: number;
                promptBytes: number;
                promptsPerProject: number;
                versionsPerPrompt: number;
            };
            prompts: components["schemas"]["PromptSummary"][];
        };
        PromptSummary: {
            createdAt: string;
            /** @description label -> version */
            labels: {
                [key: string]: number;
            };
            latestVersion: number;
            name: string;
            /**
             * @description the newest version's type
             * @enum {string}
             */
            type: "text" | "chat";
            /** @description when a version was last written or a label last moved */
            updatedAt: string;
            versions: number;
        };
        PromptVersion: {
            createdAt: string;
            /** @description who wrote it: the API key id, or the user id of a person signed in; null for the operator without a key */
            createdBy: string | null;
            /** @description the labels pointing at this version, 'latest' last when it is the newest */
            labels: string[];
            message: string | null;
            model: string | null;
            name: string;
            parameters: {
                [key: string]: unknown;
            } | null;
            prompt: components["schemas"]["PromptBody"];
            /** @enum {string} */
            type: "text" | "chat";
            version: number;
        };
        PromptVersionCreateInput: {
            /** @description labels to point at the new version (production, staging…) */
            labels?: string[];
            /** @description what changed in this version */
            message?: string;
            model?: string;
            /** @description the prompt's name in the project: letters, digits, ".", "_" and "-", at most 128 characters */
            name: string;
            /** @description model parameters (temperature, max_tokens…) as a JSON object, at most 16384 bytes */
            parameters?: {
                [key: string]: unknown;
            };
            prompt: components["schemas"]["PromptBodyInput"];
            /**
             * @description text or chat; by default, what `prompt` is
             * @enum {string}
             */
            type?: "text" | "chat";
        };
        PromptVersionInfo: {
            createdAt: string;
            /** @description who wrote it: the API key id, or the user id of a person signed in; null for the operator without a key */
            createdBy: string | null;
            /** @description the labels pointing at this version, 'latest' last when it is the newest */
            labels: string[];
            message: string | null;
            model: string | null;
            name: string;
            /** @enum {string} */
            type: "text" | "chat";
            version: number;
        };
        PromptVersions: {
            /** @description label -> version */
            labels: {
                [key: string]: number;
            };
            name: string;
            /** @description newest first */
            versions: components["schemas"]["PromptVersionInfo"][];
        };
        Ready: {
            /** @description loading acknowledged rows from the journal into the store */
            loads: {
                /** @description the last load error */
                error: string | null;
                /** @description when loads started failing (ISO 8601) */
                failingSince: string | null;
                /**
                 * @description failing: the store is not taking loads; ingest is still acknowledged into the journal up to ingest.maxQueueRows
                 * @enum {string}
                 */
                status: "ok" | "failing";
            };
            /** @description rows acknowledged but not yet in the store */
            queueDepth: number;
            /** @constant */
            status: "ready";
            /** @description the storage backend */
            store: string;
        };
        Recommendation: {
            /** @description monthly × 365/30 */
            annualSavingsUsd: number;
            /** @description the same amount in US dollars as exact decimal text, 9 decimals */
            annualSavingsUsdDecimal: string;
            /** @description set when the recommendation has been acted on in the range: the saving realised since, against the estimate */
            applied: {
                /** @description US dollars */
                estimatedMonthlySavingsUsd: number;
                /** @description the same amount in US dollars as exact decimal text, 9 decimals */
                estimatedMonthlySavingsUsdDecimal: string;
                /** @description US dollars */
                realisedMonthlySavingsUsd: number;
                /** @description the same amount in US dollars as exact decimal text, 9 decimals */
                realisedMonthlySavingsUsdDecimal: string;
                /** @description ISO-8601: the first UTC day the recommended model carried the calls */
                since: string;
            } | null;
            /** @enum {string} */
            confidence: "high" | "medium" | "low";
            confidenceReason: string;
            detail: string;
            evidence: {
                /** @description the calls the estimate rests on */
                calls: number;
                /** @description the figures the formula uses, by name; amounts ending in Nano are nano-dollars */
                figures: {
                    [key: string]: number | string | null;
                };
                /** @description a few of them, newest first (at most 10): /traces/<id> */
                sampleTraceIds: string[];
            };
            feature: string | null;
            /** @description the estimate with its numbers filled in */
            formula: string;
            /** @description stable across runs for the same subject */
            id: string;
            /** @enum {string} */
            kind: "cheaper_model" | "prompt_caching" | "oversized_prompt" | "response_caching" | "batch_api";
            model: string | null;
            /** @description over 30 days at the rate seen in the range */
            monthlySavingsUsd: number;
            /** @description the same amount in US dollars as exact decimal text, 9 decimals */
            monthlySavingsUsdDecimal: string;
            title: string;
            /** @description monthly × 7/30 */
            weeklySavingsUsd: number;
            /** @description the same amount in US dollars as exact decimal text, 9 decimals */
            weeklySavingsUsdDecimal: string;
        };
        Recommendations: {
            /** @constant */
            currency: "USD";
            /** @description inclusive, milliseconds since the Unix epoch, UTC */
            fromMs: number;
            /** @description the kinds looked for */
            kinds: ("cheaper_model" | "prompt_caching" | "oversized_prompt" | "response_caching" | "batch_api")[];
            /** @description largest monthly saving first */
            recommendations: components["schemas"]["Recommendation"][];
            /** @description exclusive */
            toMs: number;
            /** @description sum over the recommendations; kinds about the same calls overlap, so this is an upper bound */
            totals: {
                /** @description monthly × 365/30 */
                annualSavingsUsd: number;
                /** @description the same amount in US dollars as exact decimal text, 9 decimals */
                annualSavingsUsdDecimal: string;
                /** @description over 30 days at the rate seen in the range */
                monthlySavingsUsd: number;
                /** @description the same amount in US dollars as exact decimal text, 9 decimals */
                monthlySavingsUsdDecimal: string;
                /** @description monthly × 7/30 */
                weeklySavingsUsd: number;
                /** @description the same amount in US dollars as exact decimal text, 9 decimals */
                weeklySavingsUsdDecimal: string;
            };
        };
        RetentionNote: {
            /** @description the part of the range before spansFrom was answered from the hourly totals (from its first whole hour) */
            answeredFromRollups: boolean;
            /** @description some of the range before spansFrom has no answer: the question needs the spans, or the hourly totals are gone too */
            partial: boolean;
            /** @description hourly totals before this time are gone too */
            rollupsFrom: string | null;
            /** @description spans before this time are gone (ISO-8601) */
            spansFrom: string;
        };
        RetrievalDrift: {
            baseline: {
                /** @description documents returned per retrieval, over those that report it */
                documentsAvg: number | null;
                /** @description embedding calls whose truncation is known */
                embeddings: number;
                from: string;
                /** @description retrieval spans */
                retrievals: number;
                /** @description top scores in 10 bins: [0, 0.1), [0.1, 0.2), …, [0.9, 1]; scores outside 0..1 in the edge bins */
                scoreBins: number[];
                to: string;
                /** @description top retrieval scores: quantiles interpolated within the 0.1-wide bins (accurate to 0.05), and the exact mean; null without scores */
                topScore: {
                    mean: number | null;
                    p10: number | null;
                    p50: number | null;
                    p90: number | null;
                };
                /** @description of those, truncated to the model input limit */
                truncated: number;
                /** @description truncated / embeddings, 0 to 1 */
                truncationRate: number | null;
            };
            /** @description width of each point of the series */
            bucketSeconds: number;
            /** @description the feature asked for; null: every feature together */
            feature: string | null;
            /** @description features seen in the range (at most 50, the most retrievals first), each against its own baseline */
            features: {
                embeddings: number;
                feature: string | null;
                psi: number | null;
                retrievals: number;
                truncationRate: number | null;
            }[];
            from: string;
            /** @description the range's top scores against the baseline's; null when either has no scores */
            psi: number | null;
            /** @description buckets with at least one retrieval or embedding call, oldest first */
            series: {
                /** @description documents returned per retrieval, over those that report it */
                documentsAvg: number | null;
                /** @description embedding calls whose truncation is known */
                embeddings: number;
                /** @description this bucket's top scores against the baseline's; null below 10 scored retrievals in the bucket */
                psi: number | null;
                /** @description retrieval spans */
                retrievals: number;
                /** @description top scores in 10 bins: [0, 0.1), [0.1, 0.2), …, [0.9, 1]; scores outside 0..1 in the edge bins */
                scoreBins: number[];
                /** @description start of the bucket, ISO 8601 UTC */
                time: string;
                /** @description top retrieval scores: quantiles interpolated within the 0.1-wide bins (accurate to 0.05), and the exact mean; null without scores */
                topScore: {
                    mean: number | null;
                    p10: number | null;
                    p50: number | null;
                    p90: number | null;
                };
                /** @description of those, truncated to the model input limit */
                truncated: number;
                /** @description truncated / embeddings, 0 to 1 */
                truncationRate: number | null;
            }[];
            /**
             * @description Population Stability Index over the 10 score bins (docs/quality.md): below 0.1 stable, 0.1–0.25 moderate, above 0.25 significant
             * @constant
             */
            statistic: "psi";
            to: string;
            /** @description the whole range */
            total: {
                /** @description documents returned per retrieval, over those that report it */
                documentsAvg: number | null;
                /** @description embedding calls whose truncation is known */
                embeddings: number;
                /** @description retrieval spans */
                retrievals: number;
                /** @description top scores in 10 bins: [0, 0.1), [0.1, 0.2), …, [0.9, 1]; scores outside 0..1 in the edge bins */
                scoreBins: number[];
                /** @description top retrieval scores: quantiles interpolated within the 0.1-wide bins (accurate to 0.05), and the exact mean; null without scores */
                topScore: {
                    mean: number | null;
                    p10: number | null;
                    p50: number | null;
                    p90: number | null;
                };
                /** @description of those, truncated to the model input limit */
                truncated: number;
                /** @description truncated / embeddings, 0 to 1 */
                truncationRate: number | null;
            };
        };
        Rule: {
            annotations?: {
                /** @default  */
                description: string;
                summary: string;
            } & {
                [key: string]: string;
            };
            baseline?: {
                /** @default 7 */
                days: number;
                factor?: number;
                /** @enum {string} */
                kind: "same_hour" | "preceding";
                /** @description a duration: 90s, 5m, 1h30m, 7d or 2w (docs/api.md, times and durations) */
                lookback?: string;
                zScore?: number;
            };
            budget?: {
                /** @enum {string} */
                period: "daily" | "monthly";
                /** @enum {string} */
                scope: "project" | "team" | "department" | "user";
            };
            /** @enum {string} */
            category: "cost" | "performance" | "availability" | "quality" | "security";
            /** @description a duration: 90s, 5m, 1h30m, 7d or 2w (docs/api.md, times and durations) */
            cooldown: string;
            /** @default true */
            enabled: boolean;
            /** @description a duration: 90s, 5m, 1h30m, 7d or 2w (docs/api.md, times and durations) */
            for: string;
            id: string;
            /** @enum {string} */
            kind: "threshold" | "rate" | "ratio" | "percentile" | "absence" | "anomaly" | "budget" | "forecast";
            /** @default {} */
            labels: {
                [key: string]: string;
            };
            /** @description a duration: 90s, 5m, 1h30m, 7d or 2w (docs/api.md, times and durations) */
            lookback?: string;
            /** @default 0 */
            minSamples: number;
            name: string;
            /**
             * @default >
             * @enum {string}
             */
            op: ">" | ">=" | "<" | "<=";
            /**
             * @default {
             *       "filter": {},
             *       "groupBy": []
             *     }
             */
            query: {
                /**
                 * @description a counter measure (docs/alerts.md); older spellings are accepted and read as these names: cost_usd (cost), tokens (total_tokens), tokens.input (input_tokens), tokens.output (output_tokens), tokens.cacheRead (cache_read_tokens), tokens.cacheWrite (cache_write_tokens), tokens.reasoning (reasoning_tokens), tokens.audio (audio_tokens)
                 * @enum {string}
                 */
                denominator?: "requests" | "errors" | "errors.rate_limit" | "errors.timeout" | "errors.server" | "errors.invalid_request" | "errors.content_filter" | "errors.auth" | "errors.cancelled" | "errors.other" | "cost" | "unknown_cost_requests" | "total_tokens" | "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "reasoning_tokens" | "audio_tokens" | "prompt_tokens" | "scores" | "pii_detections" | "injection_attempts" | "refusals" | "near_context_limit" | "auth_failures" | "rate_limited";
                /** @default {} */
                filter: {
                    [key: string]: string | string[];
                };
                /** @default [] */
                groupBy: ("provider" | "model" | "feature" | "team" | "application" | "score_name")[];
                /**
                 * @description a measure (docs/alerts.md); older spellings are accepted and read as these names: cost_usd (cost), tokens (total_tokens), tokens.input (input_tokens), tokens.output (output_tokens), tokens.cacheRead (cache_read_tokens), tokens.cacheWrite (cache_write_tokens), tokens.reasoning (reasoning_tokens), tokens.audio (audio_tokens)
                 * @enum {string}
                 */
                measure?: "requests" | "errors" | "errors.rate_limit" | "errors.timeout" | "errors.server" | "errors.invalid_request" | "errors.content_filter" | "errors.auth" | "errors.cancelled" | "errors.other" | "cost" | "unknown_cost_requests" | "total_tokens" | "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "reasoning_tokens" | "audio_tokens" | "prompt_tokens" | "scores" | "pii_detections" | "injection_attempts" | "refusals" | "near_context_limit" | "auth_failures" | "rate_limited" | "latency_ms" | "ttft_ms" | "score" | "ingest_queue_depth" | "client_queue_depth" | "retrieval_score_psi" | "retrieval_documents_avg" | "embedding_truncation_rate";
                /**
                 * @description a counter measure (docs/alerts.md); older spellings are accepted and read as these names: cost_usd (cost), tokens (total_tokens), tokens.input (input_tokens), tokens.output (output_tokens), tokens.cacheRead (cache_read_tokens), tokens.cacheWrite (cache_write_tokens), tokens.reasoning (reasoning_tokens), tokens.audio (audio_tokens)
                 * @enum {string}
                 */
                numerator?: "requests" | "errors" | "errors.rate_limit" | "errors.timeout" | "errors.server" | "errors.invalid_request" | "errors.content_filter" | "errors.auth" | "errors.cancelled" | "errors.other" | "cost" | "unknown_cost_requests" | "total_tokens" | "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "reasoning_tokens" | "audio_tokens" | "prompt_tokens" | "scores" | "pii_detections" | "injection_attempts" | "refusals" | "near_context_limit" | "auth_failures" | "rate_limited";
                percentile?: number;
            };
            runbook?: string;
            /** @enum {string} */
            severity: "info" | "warning" | "critical";
            threshold?: number;
            /** @description a duration: 90s, 5m, 1h30m, 7d or 2w (docs/api.md, times and durations) */
            window?: string;
        };
        /** @description an alert rule, as in a rule file (docs/alerts.md) */
        RuleDefinitionInput: {
            annotations?: {
                /** @default  */
                description?: string;
                summary: string;
            } & {
                [key: string]: string;
            };
            baseline?: {
                /** @default 7 */
                days?: number;
                factor?: number;
                /** @enum {string} */
                kind: "same_hour" | "preceding";
                lookback?: string;
                zScore?: number;
            };
            budget?: {
                /** @enum {string} */
                period: "daily" | "monthly";
                /** @enum {string} */
                scope: "project" | "team" | "department" | "user";
            };
            /** @enum {string} */
            category: "cost" | "performance" | "availability" | "quality" | "security";
            cooldown?: string;
            /** @default true */
            enabled?: boolean;
            for?: string;
            id?: string;
            /** @enum {string} */
            kind: "threshold" | "rate" | "ratio" | "percentile" | "absence" | "anomaly" | "budget" | "forecast";
            /** @default {} */
            labels?: {
                [key: string]: string;
            };
            lookback?: string;
            /** @default 0 */
            minSamples?: number;
            name: string;
            /**
             * @default >
             * @enum {string}
             */
            op?: ">" | ">=" | "<" | "<=";
            query?: {
                /**
                 * @description a counter measure (docs/alerts.md); older spellings are accepted and read as these names: cost_usd (cost), tokens (total_tokens), tokens.input (input_tokens), tokens.output (output_tokens), tokens.cacheRead (cache_read_tokens), tokens.cacheWrite (cache_write_tokens), tokens.reasoning (reasoning_tokens), tokens.audio (audio_tokens)
                 * @enum {string}
                 */
                denominator?: "requests" | "errors" | "errors.rate_limit" | "errors.timeout" | "errors.server" | "errors.invalid_request" | "errors.content_filter" | "errors.auth" | "errors.cancelled" | "errors.other" | "cost" | "unknown_cost_requests" | "total_tokens" | "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "reasoning_tokens" | "audio_tokens" | "prompt_tokens" | "scores" | "pii_detections" | "injection_attempts" | "refusals" | "near_context_limit" | "auth_failures" | "rate_limited";
                /** @default {} */
                filter?: {
                    [key: string]: string | string[];
                };
                /** @default [] */
                groupBy?: ("provider" | "model" | "feature" | "team" | "application" | "score_name")[];
                /**
                 * @description a measure (docs/alerts.md); older spellings are accepted and read as these names: cost_usd (cost), tokens (total_tokens), tokens.input (input_tokens), tokens.output (output_tokens), tokens.cacheRead (cache_read_tokens), tokens.cacheWrite (cache_write_tokens), tokens.reasoning (reasoning_tokens), tokens.audio (audio_tokens)
                 * @enum {string}
                 */
                measure?: "requests" | "errors" | "errors.rate_limit" | "errors.timeout" | "errors.server" | "errors.invalid_request" | "errors.content_filter" | "errors.auth" | "errors.cancelled" | "errors.other" | "cost" | "unknown_cost_requests" | "total_tokens" | "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "reasoning_tokens" | "audio_tokens" | "prompt_tokens" | "scores" | "pii_detections" | "injection_attempts" | "refusals" | "near_context_limit" | "auth_failures" | "rate_limited" | "latency_ms" | "ttft_ms" | "score" | "ingest_queue_depth" | "client_queue_depth" | "retrieval_score_psi" | "retrieval_documents_avg" | "embedding_truncation_rate";
                /**
                 * @description a counter measure (docs/alerts.md); older spellings are accepted and read as these names: cost_usd (cost), tokens (total_tokens), tokens.input (input_tokens), tokens.output (output_tokens), tokens.cacheRead (cache_read_tokens), tokens.cacheWrite (cache_write_tokens), tokens.reasoning (reasoning_tokens), tokens.audio (audio_tokens)
                 * @enum {string}
                 */
                numerator?: "requests" | "errors" | "errors.rate_limit" | "errors.timeout" | "errors.server" | "errors.invalid_request" | "errors.content_filter" | "errors.auth" | "errors.cancelled" | "errors.other" | "cost" | "unknown_cost_requests" | "total_tokens" | "input_tokens" | "output_tokens" | "cache_read_tokens" | "cache_write_tokens" | "reasoning_tokens" | "audio_tokens" | "prompt_tokens" | "scores" | "pii_detections" | "injection_attempts" | "refusals" | "near_context_limit" | "auth_failures" | "rate_limited";
                percentile?: number;
            };
            runbook?: string;
            /** @enum {string} */
            severity: "info" | "warning" | "critical";
            threshold?: number;
            window?: string;
        };
        RuleView: {
            enabled: boolean;
            health: {
                lastDurationMs: number | null;
                lastError: string | null;
                lastEvaluatedMs: number | null;
                noData: boolean;
            };
            rule: components["schemas"]["Rule"];
            /** @enum {string} */
            source: "pack" | "file" | "api";
        };
        Score: {
            /** @description the scored trace's application; null while unknown */
            application: string | null;
            comment: string | null;
            /** @enum {string} */
            dataType: "numeric" | "categorical" | "boolean";
            /** @description the scored trace's feature, filled by Lookout from its spans; null while unknown */
            feature: string | null;
            id: string;
            /** @description what the evaluator says about its score (evaluator id, criterion, judge cost, ...) */
            metadata: {
                [key: string]: string;
            };
            /** @description the effective model of the scored trace's latest generation; null while unknown */
            model: string | null;
            name: string;
            numericValue: number | null;
            projectId: string;
            /** @enum {string} */
            source: "api" | "user" | "evaluator" | "annotation" | "sdk" | "heuristic" | "llm_judge";
            spanId: string | null;
            stringValue: string | null;
            timestampUs: number;
            traceId: string;
            userId: string | null;
        };
        SecurityEvent: {
            /**
             * @description What Lookout did: masked, hashed, dropped or kept the values (as the privacy settings say), detected, or blocked
             * @enum {string}
             */
            action: "masked" | "hashed" | "dropped" | "kept" | "detected" | "blocked";
            /** @description Values found by this detector in the record */
            count: number;
            /** @description email, phone, secret:openai, custom:<name>, injection, auth, … */
            detector: string;
            /** @description Where the values were (input, output, metadata:<key>, tag, log:body, …): never the value */
            field: string | null;
            id: string;
            /** @description The injection rule that matched (id@version), or why a request was refused */
            rule: string | null;
            /** @description The injection score, 0 to 1 */
            score: number | null;
            /** @enum {string} */
            severity: "low" | "medium" | "high" | "critical";
            spanId: string | null;
            /** @description ISO 8601, UTC: when the record it is about started, or when the request was refused */
            time: string;
            traceId: string | null;
            /** @enum {string} */
            type: "pii" | "secret" | "prompt_injection" | "jailbreak" | "auth_failure" | "rate_limited" | "budget_blocked";
            userId: string | null;
        };
        SecuritySummary: {
            /** @description width of each point of the series */
            bucketSeconds: number;
            byType: {
                events: number;
                /** @enum {string} */
                type: "pii" | "secret" | "prompt_injection" | "jailbreak" | "auth_failure" | "rate_limited" | "budget_blocked";
                values: number;
            }[];
            from: string;
            series: {
                events: number;
                time: string;
                /** @enum {string} */
                type: "pii" | "secret" | "prompt_injection" | "jailbreak" | "auth_failure" | "rate_limited" | "budget_blocked";
                values: number;
            }[];
            to: string;
            topUsers: {
                events: number;
                types: ("pii" | "secret" | "prompt_injection" | "jailbreak" | "auth_failure" | "rate_limited" | "budget_blocked")[];
                userId: string;
            }[];
        };
        Silence: {
            comment: string;
            createdAtMs: number;
            createdBy: string;
            endsAtMs: number;
            id: string;
            matchers: {
                isEqual: boolean;
                isRegex: boolean;
                name: string;
                value: string;
            }[];
            projectId: string;
            startsAtMs: number;
        };
        SilenceDefinitionInput: {
            /** @default  */
            comment?: string;
            /** @default unknown */
            createdBy?: string;
            duration?: string;
            endsAt?: string;
            matchers: string[];
            startsAt?: string;
        };
        Span: {
            attribution: components["schemas"]["Attribution"];
            content: {
                input: string | null;
                output: string | null;
            } | null;
            cost: components["schemas"]["Cost"];
            endUs: number;
            errorClass: ("rate_limit" | "timeout" | "server" | "invalid_request" | "content_filter" | "auth" | "cancelled" | "other") | null;
            errorMessage: string | null;
            finishReason: string | null;
            /** @enum {string} */
            kind: "generation" | "embedding" | "retrieval" | "tool" | "agent" | "chain" | "other";
            metadata: {
                [key: string]: string;
            };
            name: string;
            parentSpanId: string | null;
            projectId: string;
            promptHash: string | null;
            provider: string | null;
            requestId: string | null;
            requestModel: string | null;
            responseHash: string | null;
            responseModel: string | null;
            /** @description 16 lowercase hex characters */
            spanId: string;
            /** @description microseconds since the Unix epoch, UTC */
            startUs: number;
            /** @enum {string} */
            status: "ok" | "error" | "cancelled";
            tags: string[];
            /** @description 32 lowercase hex characters */
            traceId: string;
            ttftMs: number | null;
            usage: components["schemas"]["Usage"];
        };
        TierSettings: {
            /** @description the tier of users with no assignment and no user budget; null: such users have no limit */
            defaultTier: ("free" | "pro" | "enterprise") | null;
            /** @enum {string} */
            enforce: "soft" | "hard";
            /** @description daily, per user */
            limitsUsd: {
                /** @description US dollars */
                enterprise: number;
                /** @description US dollars */
                free: number;
                /** @description US dollars */
                pro: number;
            };
            warnAtPercent: number[];
        };
        TierSettingsChangeInput: {
            /** @description the tier of users with no assignment and no user budget; null: such users have no limit */
            defaultTier?: ("free" | "pro" | "enterprise") | null;
            /**
             * @description hard: the gateway refuses calls with 429 once spent; soft: only warns
             * @enum {string}
             */
            enforce?: "soft" | "hard";
            /** @description USD per user per day, by tier; those left out keep their value */
            limitsUsd?: {
                enterprise?: number;
                free?: number;
                pro?: number;
            };
            /** @description percentages of the limit that warn, at most 10 */
            warnAtPercent?: number[];
        };
        TopIssues: {
            /** @description failed spans grouped by fingerprint, most frequent first */
            errors: components["schemas"]["ErrorIssue"][];
            /** @description ISO 8601, UTC */
            from: string;
            /** @description low numeric scores grouped by feature and score name, most first */
            lowScores: components["schemas"]["LowScoreIssue"][];
            threshold: number;
            /** @description ISO 8601, UTC */
            to: string;
        };
        TopSpenderRow: {
            costPerRequestUsd: number | null;
            /** @description US dollars */
            costUsd: number;
            /** @description the value of the dimension; null for calls without one */
            key: string | null;
            requests: number;
            /** @description share of the project's known cost in the range (grouping by tag can sum past 100) */
            sharePct: number;
            totalTokens: number;
            unknownCostRequests: number;
        };
        TraceSummary: {
            /** @description generation and embedding spans */
            calls: number;
            /** @description null when no call in the trace has a known cost */
            costUsd: number | null;
            durationMs: number;
            hasError: boolean;
            models: string[];
            /** @description the root span's name (the earliest span's when the root is missing) */
            name: string;
            sessionId: string | null;
            spans: number;
            startUs: number;
            tokens: number;
            traceId: string;
            unknownCostCalls: number;
            userId: string | null;
        };
        UnknownModel: {
            calls: number;
            firstSeen: string;
            lastSeen: string;
            model: string | null;
            provider: string | null;
            totalTokens: number;
        };
        /** @description Tokens in six buckets that never overlap; their sum is the total once. */
        Usage: {
            audio: number;
            cacheRead: number;
            cacheWrite: number;
            input: number;
            output: number;
            reasoning: number;
        };
        User: {
            createdAt: string;
            /** @description a disabled person cannot sign in, and their sessions have ended */
            disabled: boolean;
            email: string;
            id: string;
            lastSignInAt: string | null;
            /** @description the person's role in each project */
            memberships: components["schemas"]["Membership"][];
            name: string | null;
            /**
             * @description local: signs in with a password; oidc: with the OpenID Connect provider
             * @enum {string}
             */
            source: "local" | "oidc";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
