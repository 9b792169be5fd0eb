// The settings form holds plain strings (what the inputs show); these two functions convert
// between it and the Settings type generated from Rust. Validation happens in Rust on save.
import type { Connection } from "../bindings/Connection";
import type { Settings } from "../bindings/Settings";

export interface SettingsForm {
  storeName: string;
  businessNumber: string;
  buyerName: string;
  buyerTel: string;
  buyerEmail: string;
  /** 직접 연결 / 중계 서버 / 테스트 (the first two are live mode). */
  connection: Connection;
  relayUrl: string;
  relayPrefix: string;
  merchantCode: string;
  channelCard: string;
  channelVbank: string;
  channelPhone: string;
}

export function toForm(settings: Settings): SettingsForm {
  return {
    storeName: settings.storeName,
    businessNumber: settings.businessNumber ?? "",
    buyerName: settings.buyer.name ?? "",
    buyerTel: settings.buyer.tel ?? "",
    buyerEmail: settings.buyer.email ?? "",
    connection: settings.mode === "sandbox" ? "sandbox" : settings.relay ? "relay" : "direct",
    relayUrl: settings.relay?.url ?? "",
    relayPrefix: settings.relay?.uidPrefix ?? "",
    merchantCode: settings.merchantCode ?? "",
    channelCard: settings.channels.card ?? "",
    channelVbank: settings.channels.vbank ?? "",
    channelPhone: settings.channels.phone ?? "",
  };
}

const orNull = (text: string): string | null => (text.trim() === "" ? null : text.trim());

/** The form applied over `base`, so fields this screen does not show are kept as saved. */
export function fromForm(form: SettingsForm, base: Settings): Settings {
  return {
    ...base,
    storeName: form.storeName.trim(),
    businessNumber: orNull(form.businessNumber),
    buyer: {
      ...base.buyer,
      name: orNull(form.buyerName),
      tel: orNull(form.buyerTel),
      email: orNull(form.buyerEmail),
    },
    mode: form.connection === "sandbox" ? "sandbox" : "live",
    // 테스트 keeps a relay as saved (it is ignored in sandbox mode); 직접 연결 drops it.
    relay:
      form.connection === "relay"
        ? { url: form.relayUrl.trim(), uidPrefix: form.relayPrefix.trim() }
        : form.connection === "direct"
          ? undefined
          : base.relay,
    merchantCode: orNull(form.merchantCode),
    channels: {
      ...base.channels,
      card: orNull(form.channelCard),
      vbank: orNull(form.channelVbank),
      phone: orNull(form.channelPhone),
    },
  };
}
