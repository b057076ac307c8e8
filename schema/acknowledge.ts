// Warnings a team has read and accepts. The issue codes an environment file can get are listed
// here, once: the rules can only emit these (generator/model/rules/rule.ts types them), and an
// acknowledgment is judged against them (a warning may be acknowledged, an error never).
import { z } from './zod.ts';

/** Every warning code, with the fact it reports. */
export const warningCodes = {
  INGRESS_NGINX_RETIRED: 'ingress-nginx is retired upstream: no releases or security fixes since March 2026',
  AKS_KUBENET_RETIRING: 'AKS retires kubenet networking; new clusters should use Azure CNI overlay',
  AKS_NPM_RETIRING: 'Azure Network Policy Manager is retired in favour of Cilium',
  API_SERVER_OPEN: 'the API server admits the whole internet (PROD_API_SERVER_OPEN, an error, in prod)',
  KUBERNETES_VERSION_ENDING: 'AKS support for the cluster\'s Kubernetes version ends within 60 days',
  MONITORING_NO_RECEIVERS: 'Alertmanager has no receiver: alerts fire and nobody hears them',
  PG_ZONES: 'a zone-redundant database next to a cluster in one zone does not survive a zone outage end to end',
  ISSUER_RATE_LIMIT: "the Let's Encrypt production issuer outside prod runs into its rate limits",
  ENV_SCHEMA_COMMENT: 'without the yaml-language-server $schema comment editors cannot complete or check the file',
  ACKNOWLEDGE_STALE: 'an acknowledgment names a warning that no longer fires',
  GRAFANA_PASSWORD_ONLY: 'Grafana is on the internet behind only its local admin password (PROD_GRAFANA_EXPOSED, an error, in prod)',
  FLEET_HSTS_SUBDOMAINS: "an environment sends HSTS with includeSubDomains over hosts another environment serves, so browsers refuse that environment's plain-HTTP and untrusted-certificate answers",
  EXTERNAL_DNS_OFF: 'external-dns is off while hosts are served: their DNS records must be made where the zone is managed',
  PG_PARAMETER_LOGS_SECRETS: 'a PostgreSQL logging parameter writes the role passwords the databases stack sets into the server logs',
} as const;

export type WarningCode = keyof typeof warningCodes;

/** ACKNOWLEDGE_STALE is about the list itself: acknowledging it would keep stale entries forever. */
export const acknowledgeableCodes = (Object.keys(warningCodes) as WarningCode[]).filter((c) => c !== 'ACKNOWLEDGE_STALE');

/** Every error code an environment file can get. Errors cannot be acknowledged; naming one is an error. */
export const errorCodes = [
  'FILE_NOT_FOUND', 'YAML_SYNTAX', 'YAML_DUPLICATE_KEY', 'YAML_TAB', 'YAML_ALIAS_LIMIT', 'YAML_MULTIPLE_DOCUMENTS', 'YAML_NOT_MAPPING', 'YAML_EMPTY',
  'YAML_FILE_TOO_LARGE', 'YAML_TOO_DEEP', 'YAML_TOO_MANY_ENTRIES', 'YAML_STRING_TOO_LONG', 'YAML_RESERVED_KEY', 'YAML_COMPLEX_KEY', 'ENV_TOO_MANY_FILES', 'ENV_FILE_SYMLINK',
  'VALUE_SECRET', 'VALUE_TEMPLATE', 'VALUE_CONTROL_CHARACTER',
  'SCHEMA_UNKNOWN_KEY', 'SCHEMA_REQUIRED', 'SCHEMA_TYPE', 'SCHEMA_ENUM', 'SCHEMA_FORMAT', 'SCHEMA_RANGE', 'SCHEMA_KEY',
  'ENV_NAME_MISMATCH', 'ENV_NAME_RESERVED', 'ENV_DUPLICATE_FILE', 'FLEET_DUPLICATE_ZONE', 'DNS_PARENT_OWNER',
  'AZURE_NAME', 'DNS_PARENT_NOT_SUFFIX', 'HOST_OUTSIDE_ZONE',
  'CIDR_NOT_ALIGNED', 'VNET_TOO_SMALL', 'SUBNET_OUTSIDE_VNET', 'SUBNET_OVERLAP', 'POD_CIDR_OVERLAP', 'SERVICE_CIDR_OVERLAP', 'DNS_SERVICE_IP_OUTSIDE',
  'AKS_NETWORK_MODE', 'AKS_NETWORK_POLICY', 'AKS_ZONES', 'NODEPOOL_MIN_MAX', 'NODEPOOL_SYSTEM_TAINTS',
  'NODEPOOL_NAME', 'NODEPOOL_OS_DISK', 'NODEPOOL_SPOT_PRICE', 'NODEPOOL_MAX_PODS', 'AKS_POD_SUBNET', 'AKS_POD_SUBNET_SIZE', 'AKS_DEFENDER_WORKSPACE', 'INGRESS_LOAD_BALANCER',
  'DUPLICATE_INSTANCE', 'DUPLICATE_NAMESPACE', 'DUPLICATE_HOST', 'DUPLICATE_DATABASE', 'NAMESPACE_RESERVED', 'DATABASE_RESERVED', 'REPLICAS_MIN_MAX',
  'ACCESS_NAMESPACE_UNKNOWN', 'ACCESS_DUPLICATE_GROUP', 'ACCESS_PLATFORM_ROLE', 'ACCESS_PRIVILEGED_REASON', 'ACCESS_PRIVILEGED_UNUSED', 'GRAFANA_EXPOSURE_CONFLICT', 'PROD_GRAFANA_EXPOSED', 'PG_HA_SKU', 'MONITORING_SMTP', 'MONITORING_RECEIVER_NAME', 'MONITORING_RECEIVER_UNREACHABLE',
  'FLEET_GIT_CREDENTIALS',
  'DUPLICATE_RELEASE', 'SERVICE_PATH_CONFLICT', 'SERVICE_HOST_NAMESPACE', 'SERVICE_PORT', 'SERVICE_AUTOSCALING', 'SERVICE_RESOURCES', 'SERVICE_IMAGE_LATEST', 'SERVICE_REGISTRY_UNKNOWN',
  'SERVICE_ENV_CONFLICT', 'SERVICE_SECRET_DUPLICATE', 'SERVICE_SECRET_RESERVED', 'SERVICE_EGRESS_CIDR', 'SERVICE_CONNECTS_TO', 'REGISTRY_DUPLICATE', 'REGISTRY_RESOURCE_ID',
  'PROD_ZONES', 'PROD_DB_HA', 'PROD_REPLICAS', 'PROD_INGRESS_REPLICAS', 'PROD_ISSUER', 'PROD_BACKUPS',
  'ACKNOWLEDGE_ERROR_CODE', 'ACKNOWLEDGE_UNKNOWN_CODE', 'ACKNOWLEDGE_DUPLICATE', 'PROD_API_SERVER_OPEN', 'KUBERNETES_VERSION_UNKNOWN', 'KUBERNETES_VERSION_UNSUPPORTED', 'KUBERNETES_PATCH_WITH_CHANNEL',
  'PG_PARAMETER_PROTECTED', 'PG_DATABASE_LOCALE', 'PG_REPLICA_SKU', 'PG_REPLICA_NAME', 'RELEASE_NEEDED', 'RELEASE_OFF_ACCESS', 'DNS_EXISTING_CONFLICT', 'DNS_EXISTING_OWNER',
  'AZURE_NAME_CONFLICT', 'LOG_ANALYTICS_OFF', 'DASHBOARD_SOURCE', 'DASHBOARD_FILE', 'DASHBOARD_DUPLICATE', 'FLEET_DUPLICATE_STATE_KEY', 'FLEET_DUPLICATE_KUBE_CONTEXT', 'FLEET_DUPLICATE_RESOURCE_GROUP',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const acknowledgeSchema = z
  .array(
    z.strictObject({
      // A plain pattern, not an enum: a typo gets a did-you-mean and an error code gets its own
      // message (generator/load/acknowledgments.ts) instead of a list of allowed values.
      code: z
        .string()
        .regex(/^[A-Z][A-Z0-9_]*$/, 'Use a warning code as printed by slipway validate, such as INGRESS_NGINX_RETIRED.')
        .meta({ description: `Code of the warning, one of ${acknowledgeableCodes.join(', ')}.`, examples: acknowledgeableCodes }),
      reason: z
        .string()
        .max(300)
        .regex(/\S/, 'Say in a few words why the team accepts this warning, e.g. "Gateway API migration planned for Q3".')
        .describe('Why the team accepts the warning; reviewers read it, and validate prints it with the code.'),
    }),
  )
  .describe(
    'Warnings the team has read and accepts. An acknowledged warning is printed once per run as "acknowledged: CODE (reason)" instead of as a warning. Errors cannot be acknowledged; an entry whose warning no longer fires is reported as stale.',
  );

export type Acknowledgment = z.infer<typeof acknowledgeSchema>[number];
