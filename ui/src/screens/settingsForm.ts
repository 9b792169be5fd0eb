// The settings form holds plain strings (what the inputs show); these two functions convert
// between it and the Settings type generated from Rust. Validation happens in Rust on save.
import type { Settings } from "../bindings/Settings";

export interface SettingsForm {
  storeName: string;
  businessNumber: string;
  buyerName: string;
  buyerTel: string;
  buyerEmail: string;
  mode: Settings["mode"];
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
    mode: settings.mode,
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
    mode: form.mode,
    merchantCode: orNull(form.merchantCode),
    channels: {
      ...base.channels,
      card: orNull(form.channelCard),
      vbank: orNull(form.channelVbank),
      phone: orNull(form.channelPhone),
    },
  };
}
