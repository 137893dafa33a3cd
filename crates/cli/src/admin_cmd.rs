//! `ledgerlens admin …`: tenants and their credentials, from the shell of the box.
//!
//! Works on the same store as a running `serve` (SQLite in WAL mode lets both write; PostgreSQL
//! is shared by nature), so keys are issued, rotated and revoked without a restart. Secrets are
//! printed once and stored only as hashes. Every change is written to the tenant's audit log.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use ledgerlens_server::passwords;
use ledgerlens_store::{CredentialSpec, NewAudit, SqlStore, Store, TenantId};

use crate::backends::StoreArgs;

/// Arguments of `admin`.
#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an API key for a tenant (created if needed); the key is on the last line.
    CreateKey(CreateArgs),
    /// Create an OAuth client (client_id + client_secret) for a tenant (created if needed).
    CreateClient(CreateArgs),
    /// Create a user who signs in to the dashboard with an e-mail and a password. The password
    /// is read from stdin with `--password-stdin`; otherwise one is generated and printed once.
    CreateUser(CreateUserArgs),
    /// List a tenant's API keys and OAuth clients (never their secrets: none are stored).
    ListCredentials(TenantArgs),
    /// Revoke an API key or OAuth client at once.
    Revoke(CredentialArgs),
    /// Replace an API key by a new one with the same permissions and label; the old key keeps
    /// working for the grace period. The new key is on the last line.
    RotateKey(RotateArgs),
}

#[derive(Debug, Args)]
struct TenantArgs {
    /// The tenant's name.
    #[arg(long)]
    tenant: String,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Args)]
struct CreateArgs {
    #[command(flatten)]
    tenant: TenantArgs,
    /// Scopes granted, comma-separated (e.g. `read_bank_xray_report`); default `*`, all.
    #[arg(long, value_delimiter = ',')]
    permissions: Vec<String>,
    /// A name for people ("CRM integration").
    #[arg(long)]
    label: Option<String>,
}

#[derive(Debug, Args)]
struct CreateUserArgs {
    #[command(flatten)]
    create: CreateArgs,
    /// The address the user signs in with (unique across the service).
    #[arg(long)]
    email: String,
    /// Read the password from the first line of stdin instead of generating one.
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Args)]
struct CredentialArgs {
    #[command(flatten)]
    tenant: TenantArgs,
    /// The key id (`key_…`) or client id (`cli_…`).
    #[arg(long)]
    id: String,
}

#[derive(Debug, Args)]
struct RotateArgs {
    #[command(flatten)]
    credential: CredentialArgs,
    /// How long the old key keeps working, in seconds (time to deploy the new one).
    #[arg(long, default_value_t = 86_400)]
    grace_seconds: u64,
}

/// `admin create-user`.
async fn create_user(user: &CreateUserArgs) -> Result<()> {
    let (password, generated) = if user.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        (line.trim_end_matches(['\r', '\n']).to_owned(), false)
    } else {
        (
            passwords::generate()
                .map_err(|e| anyhow::anyhow!("reading the OS random source: {e}"))?,
            true,
        )
    };
    if let Some(problem) = passwords::policy_problem(&password, &user.email) {
        bail!("password refused: {problem}");
    }
    let hash = passwords::hash(&password)
        .map_err(|e| anyhow::anyhow!("reading the OS random source: {e}"))?;
    let (store, tenant) = tenant_store(&user.create.tenant, true).await?;
    let spec = spec(&user.create);
    let Some(id) = store
        .create_user(&tenant, &user.email, &hash, &spec, now_ms())
        .await?
    else {
        bail!(
            "a user with the e-mail address {} already exists",
            user.email
        );
    };
    audit(&store, &tenant, "user.create", &id).await?;
    println!("tenant: {} ({tenant})", user.create.tenant.tenant);
    println!("user id: {id}");
    println!("email: {}", user.email.trim().to_lowercase());
    println!("permissions: {}", spec.permissions.join(","));
    if generated {
        println!(
            "the password below is shown once; the user can change it in the dashboard's settings"
        );
        println!("{password}");
    }
    Ok(())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Runs `admin`.
pub fn run(args: &AdminArgs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        match &args.command {
            AdminCommand::CreateKey(create) => {
                let (store, tenant) = tenant_store(&create.tenant, true).await?;
                let spec = spec(create);
                let created = store.create_api_key(&tenant, &spec, now_ms()).await?;
                audit(&store, &tenant, "key.create", &created.id).await?;
                println!("tenant: {} ({tenant})", create.tenant.tenant);
                println!("key id: {}", created.id);
                println!("permissions: {}", spec.permissions.join(","));
                println!("the key below is shown once; only its hash is stored");
                println!("{}", created.key);
            }
            AdminCommand::CreateClient(create) => {
                let (store, tenant) = tenant_store(&create.tenant, true).await?;
                let spec = spec(create);
                let created = store.create_oauth_client(&tenant, &spec, now_ms()).await?;
                audit(&store, &tenant, "client.create", &created.client_id).await?;
                println!("tenant: {} ({tenant})", create.tenant.tenant);
                println!("permissions: {}", spec.permissions.join(","));
                println!("client_id: {}", created.client_id);
                println!("client_secret: {}", created.client_secret);
                println!("the secret is shown once; only its hash is stored");
            }
            AdminCommand::CreateUser(user) => create_user(user).await?,
            AdminCommand::ListCredentials(tenant_args) => {
                let (store, tenant) = tenant_store(tenant_args, false).await?;
                let now = now_ms();
                println!("id\tkind\tpermissions\tlabel\temail\tstate");
                for credential in store.list_credentials(&tenant).await? {
                    let state = match credential.revoked_at_ms {
                        None => "active".to_owned(),
                        Some(at) if at > now => format!("rotating out in {} s", (at - now) / 1000),
                        Some(_) => "revoked".to_owned(),
                    };
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{state}",
                        credential.id,
                        credential.kind.as_str(),
                        credential.permissions.join(","),
                        credential.label.as_deref().unwrap_or("-"),
                        credential.email.as_deref().unwrap_or("-"),
                    );
                }
            }
            AdminCommand::Revoke(credential) => {
                let (store, tenant) = tenant_store(&credential.tenant, false).await?;
                if !store
                    .revoke_credential(&tenant, &credential.id, now_ms())
                    .await?
                {
                    bail!(
                        "tenant {} has no active credential {}",
                        credential.tenant.tenant,
                        credential.id
                    );
                }
                audit(&store, &tenant, "credential.revoke", &credential.id).await?;
                println!("revoked {}", credential.id);
            }
            AdminCommand::RotateKey(rotate) => rotate_key(rotate).await?,
        }
        Ok(())
    })
}

async fn rotate_key(rotate: &RotateArgs) -> Result<()> {
    let credential = &rotate.credential;
    let (store, tenant) = tenant_store(&credential.tenant, false).await?;
    let now = now_ms();
    let Some(old) = store
        .list_credentials(&tenant)
        .await?
        .into_iter()
        .find(|c| c.id == credential.id && c.revoked_at_ms.is_none_or(|at| at > now))
    else {
        bail!(
            "tenant {} has no active API key {}",
            credential.tenant.tenant,
            credential.id
        );
    };
    if !credential.id.starts_with("key_") {
        bail!("only API keys rotate; for an OAuth client, create a new one and revoke the old");
    }
    let spec = CredentialSpec {
        permissions: old.permissions,
        label: old.label,
    };
    let created = store.create_api_key(&tenant, &spec, now).await?;
    let grace_ms = i64::try_from(rotate.grace_seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
    store
        .revoke_credential(&tenant, &credential.id, now.saturating_add(grace_ms))
        .await?;
    audit(&store, &tenant, "key.rotate", &credential.id).await?;
    println!(
        "old key {} works for {} more seconds",
        credential.id, rotate.grace_seconds
    );
    println!("new key id: {}", created.id);
    println!("the key below is shown once; only its hash is stored");
    println!("{}", created.key);
    Ok(())
}

fn spec(create: &CreateArgs) -> CredentialSpec {
    if create.permissions.is_empty() {
        CredentialSpec {
            label: create.label.clone(),
            ..CredentialSpec::default()
        }
    } else {
        CredentialSpec {
            permissions: create.permissions.clone(),
            label: create.label.clone(),
        }
    }
}

async fn audit(store: &SqlStore, tenant: &TenantId, action: &str, target: &str) -> Result<()> {
    store
        .audit(
            NewAudit {
                tenant,
                actor: "admin",
                action,
                target: Some(target),
                detail: None,
            },
            now_ms(),
        )
        .await?;
    Ok(())
}

/// The store and the tenant; `create` makes the tenant if it does not exist yet.
async fn tenant_store(args: &TenantArgs, create: bool) -> Result<(SqlStore, TenantId)> {
    let store = args.store.open().await?;
    let tenant = if create {
        store
            .ensure_tenant(&args.tenant, now_ms())
            .await
            .with_context(|| format!("tenant {}", args.tenant))?
    } else {
        match store.find_tenant(&args.tenant).await? {
            Some(tenant) => tenant,
            None => bail!("no tenant called {:?}", args.tenant),
        }
    };
    Ok((store, tenant))
}
